import { z } from 'zod';
import { jsonCodec } from './codec';

/**
 * One delivery to hand to the dispatcher, on `deliveries.<priority>` keyed by subscription id.
 * It carries the event so the dispatcher's hot path needs no read per delivery.
 */
export const deliveryTaskSchema = z.object({
  deliveryId: z.string().regex(/^wh_[0-9a-f]{32}$/),
  eventId: z.string().min(1),
  eventType: z.string().min(1),
  subscriptionId: z.string().min(1),
  priority: z.enum(['high', 'medium', 'low']),
  occurredAt: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  /** Set by a manual retry or a DLQ replay: send even if the delivery already ended, with a fresh budget. */
  replay: z.boolean().optional(),
});

export type DeliveryTask = z.infer<typeof deliveryTaskSchema>;

export const deliveryTaskCodec = jsonCodec(deliveryTaskSchema);
