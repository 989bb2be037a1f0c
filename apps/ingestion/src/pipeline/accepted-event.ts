import type { EventAsWritten, TypedEvent } from '@smart-dairy/schemas';

/** A valid event from a category topic, with the coordinates it was read from. */
export interface AcceptedEvent {
  id: string;
  event: TypedEvent;
  /** The timestamp and `data` text as the producer wrote them, which deliveries repeat byte for byte. */
  asWritten: EventAsWritten;
  key: string | null;
  source: { topic: string; partition: number; offset: string };
}
