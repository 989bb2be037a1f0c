import type { TypedEvent } from '@smart-dairy/schemas';

/** A valid event from a category topic, with the coordinates it was read from. */
export interface AcceptedEvent {
  id: string;
  event: TypedEvent;
  key: string | null;
  source: { topic: string; partition: number; offset: string };
}
