import { z } from 'zod';
import { timestamp } from '../http/fields';

export const RecoverBody = z
  .strictObject({
    since: timestamp.describe(
      'Start of the window, inclusive: deliveries created at or after it; at most RECOVER_MAX_AGE_DAYS (30) days ago',
    ),
    until: timestamp.optional().describe('End of the window, exclusive; now by default'),
  })
  .meta({
    description: 'The window of delivery creation times to recover',
    examples: [{ since: '2026-12-01T08:00:00Z', until: '2026-12-01T14:30:00Z' }],
  });
export type RecoverInput = z.output<typeof RecoverBody>;

const count = z.number().int().nonnegative();

export const RecoveryView = z
  .object({
    subscription_id: z.string(),
    since: timestamp,
    until: timestamp,
    recovered: z
      .object({ retrying: count, dead_lettered: count, waiting: count })
      .describe('Deliveries sent again, by the status they had'),
    skipped: count.describe(
      'Deliveries of the window in those statuses left as they were: a dead letter whose DLQ entry is not ' +
        'pending (being replayed, archived, or not yet in the queue), a delivery already asked to be sent ' +
        'again, or one that changed meanwhile',
    ),
  })
  .meta({
    description: 'What a recover sent: each delivery once, oldest first, as its next attempt',
    examples: [
      {
        subscription_id: 'wh_sub_5f0c6a1e9b2d4c7a8e3f1b0d',
        since: '2026-12-01T08:00:00.000Z',
        until: '2026-12-01T14:30:00.000Z',
        recovered: { retrying: 42, dead_lettered: 7, waiting: 0 },
        skipped: 1,
      },
    ],
  });
export type RecoveryView = z.output<typeof RecoveryView>;
