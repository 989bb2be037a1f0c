import { toUtcTimestamp, type EventType } from '@smart-dairy/schemas';

/**
 * The event a delivery sends, as Postgres holds it (docs/protocol.md#envelope). The envelope, the outcome
 * and the dead letter are built from this type alone, and `eventContentOf` is the one place that reads it
 * from the `events` columns, so how the event is stored can change there without touching what sends it.
 */
export interface EventContent {
  eventId: string;
  eventType: EventType;
  /** When the event occurred, the producer's string in UTC (docs/protocol.md#envelope). */
  timestamp: string;
  /** The producer's `data` text, byte for byte: what every attempt's envelope carries. */
  dataJson: string;
}

/** The `events` columns that `DeliveriesRepository.rows` selects, named as there. */
export interface EventColumns {
  eventId: string;
  eventType: string;
  occurredAtText: string;
  dataJson: string;
}

export function eventContentOf(columns: EventColumns): EventContent {
  return {
    eventId: columns.eventId,
    // Ingestion stored only catalog types with data that passed their schema.
    eventType: columns.eventType as EventType,
    timestamp: toUtcTimestamp(columns.occurredAtText),
    dataJson: columns.dataJson,
  };
}
