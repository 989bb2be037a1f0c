import { z } from 'zod';
import { jsonCodec, type Codec } from './codec';

/**
 * One delivery to hand to the dispatcher, on `deliveries.<priority>` keyed by subscription id. It names
 * the delivery and routes it, nothing more: the dispatcher reads what it sends from Postgres, so a
 * message on this topic cannot make the platform sign content of its own (docs/protocol.md#envelope).
 * Unknown fields are dropped when decoding, such as the event content tasks carried before.
 */
export const deliveryTaskSchema = z.object({
  deliveryId: z.string().regex(/^wh_[0-9a-f]{32}$/),
  subscriptionId: z.string().min(1),
  priority: z.enum(['high', 'medium', 'low']),
  /**
   * Set by a manual retry or a DLQ replay: send even if the delivery already ended, with a fresh budget.
   * The dispatcher honours it only while Postgres holds the request (`deliveries.replay_requested_at`).
   */
  replay: z.boolean().optional(),
});

export type DeliveryTask = z.infer<typeof deliveryTaskSchema>;

const decoding = jsonCodec(deliveryTaskSchema);

export const deliveryTaskCodec: Codec<DeliveryTask> = {
  decode: decoding.decode,
  // Only the task's own fields: callers pass richer objects (a new delivery with its event), whose
  // content must not ride along onto the topic.
  encode: ({ deliveryId, subscriptionId, priority, replay }) =>
    decoding.encode({ deliveryId, subscriptionId, priority, replay }),
};
