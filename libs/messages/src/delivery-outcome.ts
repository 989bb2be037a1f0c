import { z } from 'zod';
import { jsonCodec } from './codec';

/**
 * Published on `deliveries.outcomes` (keyed by subscription id) after the recorded attempts that
 * dlq-review acts on: failed attempts, and successes that end a subscription's failure run, follow
 * earlier failures of the delivery or answer a replay (apps/dispatcher/src/recording/needed-outcomes.ts).
 * A first-attempt success of a healthy endpoint publishes nothing.
 */
export const deliveryOutcomeSchema = z.object({
  deliveryId: z.string().min(1),
  subscriptionId: z.string().min(1),
  eventId: z.string().min(1),
  eventType: z.string().min(1),
  attempt: z.number().int().nonnegative(),
  outcome: z.enum(['delivered', 'retry_scheduled', 'dead_lettered', 'parked']),
  statusCode: z.number().int().nullable(),
  errorClass: z.string().nullable(),
  latencyMs: z.number().int().nonnegative().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  at: z.iso.datetime(),
});

export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;

export const deliveryOutcomeCodec = jsonCodec(deliveryOutcomeSchema);
