import { deliveryIdFor, EVENT_CATALOG, type TypedEvent } from '@smart-dairy/schemas';
import type { TracedTask } from '@smart-dairy/messages';
import type { AcceptedEvent } from './accepted-event';

/**
 * A delivery to store as a row, whose task then names it (the task carries no event content), with the
 * trace context of its task span while tracing is on.
 */
export interface NewDelivery extends TracedTask {
  eventId: string;
  eventType: string;
  /** The event's Kafka key and position: the order its key's deliveries keep where the subscription asks. */
  position: { key: string | null; partition: number; offset: string };
}

/**
 * One delivery per (event, matching subscription), ids derived so a replay maps to the same rows. `match`
 * answers the subscriptions whose event types and payload filter the event passes.
 */
export function fanOut(
  events: readonly AcceptedEvent[],
  match: (event: TypedEvent) => readonly string[],
): NewDelivery[] {
  const tasks: NewDelivery[] = [];
  for (const { id, event, key, source } of events) {
    const priority = EVENT_CATALOG[event.event].priority;
    for (const subscriptionId of match(event)) {
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
