import { deliveryIdFor, EVENT_CATALOG } from '@smart-dairy/schemas';
import type { DeliveryTask } from '@smart-dairy/messages';
import type { AcceptedEvent } from './accepted-event';

/** A delivery to store as a row, whose task then names it (the task carries no event content). */
export interface NewDelivery extends DeliveryTask {
  eventId: string;
  eventType: string;
  /** The event's Kafka key and position: the order its key's deliveries keep where the subscription asks. */
  position: { key: string | null; partition: number; offset: string };
}

/** One delivery per (event, matching subscription), ids derived so a replay maps to the same rows. */
export function fanOut(
  events: readonly AcceptedEvent[],
  match: (eventType: string) => readonly string[],
): NewDelivery[] {
  const tasks: NewDelivery[] = [];
  for (const { id, event, key, source } of events) {
    const priority = EVENT_CATALOG[event.event].priority;
    for (const subscriptionId of match(event.event)) {
      tasks.push({
        deliveryId: deliveryIdFor({ type: event.event, id }, subscriptionId),
        eventId: id,
        eventType: event.event,
        subscriptionId,
        priority,
        position: { key, partition: source.partition, offset: source.offset },
      });
    }
  }
  return tasks;
}
