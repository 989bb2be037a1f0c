import {
  assignEventId,
  categoryOf,
  eventCategoryTopic,
  parseInputMessage,
  type EventData,
  type EventTopic,
  type EventType,
  type Problem,
} from '@smart-dairy/schemas';
import { aggregateIdOf } from './partition-key';

export interface PublishOptions {
  /** The event's dedup key: ingestion accepts an id once. Assigned when absent. */
  readonly id?: string;
  /** The Kafka key; defaults to the aggregate id (`order_id`, `payment_id`, ...), see `aggregateIdOf`. */
  readonly key?: string;
  /** When the event occurred, ISO 8601 with a zone; defaults to now. */
  readonly timestamp?: string | Date;
}

/** One event of a `publishMany` batch, its data typed by its event type. */
export type EventToPublish<T extends EventType = EventType> = {
  [K in T]: PublishOptions & { readonly type: K; readonly data: EventData<K> };
}[T];

/** A message for an `events.<category>` topic, `topic` being the deployed (prefixed) name. */
export interface EventRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

export type PreparedEvent =
  | { readonly ok: true; readonly id: string; readonly record: EventRecord }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Serialises an event the way it will be sent and checks exactly those bytes with the parser ingestion
 * uses, so whatever passes here is accepted there (size limit included).
 */
export function prepareEvent(
  event: EventToPublish,
  topicName: (topic: EventTopic) => string,
  now: Date,
): PreparedEvent {
  const id = event.id ?? assignEventId();
  let value: string;
  try {
    // A Date timestamp serialises through toJSON as ISO UTC, and an invalid one as null, which the parser
    // then reports.
    value = JSON.stringify({ id, event: event.type, timestamp: event.timestamp ?? now, data: event.data });
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `not serialisable as JSON: ${String(error)}` }] };
  }
  const parsed = parseInputMessage(value);
  if (!parsed.ok) return parsed;
  const { event: type, data } = parsed.event;
  return {
    ok: true,
    id,
    record: {
      topic: topicName(eventCategoryTopic(categoryOf(type))),
      key: event.key ?? aggregateIdOf(type, data) ?? id,
      value,
    },
  };
}
