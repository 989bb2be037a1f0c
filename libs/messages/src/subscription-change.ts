import { z } from 'zod';
import { jsonCodec } from './codec';

/**
 * Announced on `subscriptions.changes` after a change is committed. It carries only the id:
 * followers reload the row, so an old or reordered announcement can never install stale state.
 */
export const subscriptionChangeSchema = z.object({
  subscriptionId: z.string().min(1),
  change: z.enum(['created', 'updated', 'deleted', 'disabled', 'enabled', 'secret_rotated']),
  at: z.iso.datetime(),
});

export type SubscriptionChange = z.infer<typeof subscriptionChangeSchema>;

export const subscriptionChangeCodec = jsonCodec(subscriptionChangeSchema);
