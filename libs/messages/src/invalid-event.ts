import { z } from 'zod';
import { jsonCodec } from './codec';

/**
 * Why a message was quarantined: it is not a valid event (`invalid`), or it is valid but reuses the id
 * of an event of its category with other content (`id_conflict`), so delivering it would let one event
 * stand for another.
 */
export const QUARANTINE_REASONS = ['invalid', 'id_conflict'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** What lands on `events.invalid`: the original message untouched, where it came from and why. */
export const invalidEventSchema = z.object({
  /** Absent from records written before reasons existed, which were all `invalid`. */
  reason: z.enum(QUARANTINE_REASONS).default('invalid'),
  source: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  key: z.string().nullable(),
  /** The original bytes, base64, so nothing about a malformed message is lost. */
  value: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
  quarantinedAt: z.iso.datetime(),
});

export type InvalidEvent = z.infer<typeof invalidEventSchema>;

export const invalidEventCodec = jsonCodec(invalidEventSchema);
