import type { DeliveryTask } from '@smart-dairy/messages';

/**
 * A replay names the delivery, marked `replay`: the dispatcher sends what Postgres holds for it, whatever
 * its status, under the same delivery id (so the same `X-Webhook-ID`), with a fresh retry budget, as long
 * as the request recorded on the delivery is there.
 */
export function replayTaskOf(delivery: Omit<DeliveryTask, 'replay'>): DeliveryTask {
  return {
    deliveryId: delivery.deliveryId,
    subscriptionId: delivery.subscriptionId,
    priority: delivery.priority,
    replay: true,
  };
}
