import { deliveryIdFor, EVENT_CATALOG } from '@smart-dairy/schemas';
import type { DeliveryTask } from '@smart-dairy/messages';
import type { AcceptedEvent } from './accepted-event';

/** One delivery per (event, matching subscription), ids derived so a replay maps to the same rows. */
export function fanOut(
  events: readonly AcceptedEvent[],
  match: (eventType: string) => readonly string[],
): DeliveryTask[] {
  const tasks: DeliveryTask[] = [];
  for (const { id, event } of events) {
    const priority = EVENT_CATALOG[event.event].priority;
    for (const subscriptionId of match(event.event)) {
      tasks.push({
        deliveryId: deliveryIdFor({ type: event.event, id }, subscriptionId),
        eventId: id,
        eventType: event.event,
        subscriptionId,
        priority,
        // The form retries rebuild from Postgres, so every attempt carries the same envelope timestamp.
        occurredAt: new Date(event.timestamp).toISOString(),
        data: event.data,
      });
    }
  }
  return tasks;
}
