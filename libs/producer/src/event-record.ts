import {
  assignEventId,
  categoryOf,
  eventCategoryTopic,
  parseInputMessage,
  type EventData,
  type EventTopic,
  type EventType,
  type Problem,
  type TypedEvent,
} from '@smart-dairy/schemas';
import type { TraceContext, TraceHeaders } from '@smart-dairy/tracing';
import { aggregateIdOf } from './partition-key';

export interface PublishOptions {
  /** The event's dedup key: ingestion accepts an id once. Assigned when absent. */
  readonly id?: string;
  /** The Kafka key; defaults to the aggregate id (`order_id`, `payment_id`, ...), see `aggregateIdOf`. */
  readonly key?: string;
  /** When the event occurred, ISO 8601 with a zone; defaults to now. */
  readonly timestamp?: string | Date;
  /**
   * The trace the event's publication continues (the request that caused it, say); the event starts a
   * trace of its own when absent. Only used while tracing is on (`@smart-dairy/tracing`).
   */
  readonly trace?: TraceContext;
}

/** One event of a `publishMany` batch, its data typed by its event type. */
export type EventToPublish<T extends EventType = EventType> = {
  [K in T]: PublishOptions & { readonly type: K; readonly data: EventData<K> };
}[T];

/** An event whose `data` is JSON text already, sent as written (see `EventPublisher.publishJson`). */
export type JsonEventToPublish = PublishOptions & {
  readonly type: EventType;
  /** The JSON text of one object; it reaches subscribers byte for byte (docs/protocol.md#envelope). */
  readonly dataJson: string;
};

/** A message for an `events.<category>` topic, `topic` being the deployed (prefixed) name. */
export interface EventRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  /** The event's trace, while tracing is on. */
  readonly headers?: TraceHeaders;
}

export type PreparedEvent =
  | { readonly ok: true; readonly id: string; readonly type: EventType; readonly record: EventRecord }
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
  return parsed.ok ? prepared(id, value, parsed.event, event.key, topicName) : parsed;
}

/**
 * `prepareEvent` for data that is JSON text already: the text is placed in the message as it is, so the
 * bytes ingestion stores, and deliveries send, are the caller's.
 */
export function prepareJsonEvent(
  event: JsonEventToPublish,
  topicName: (topic: EventTopic) => string,
  now: Date,
): PreparedEvent {
  const id = event.id ?? assignEventId();
  const head = JSON.stringify({ id, event: event.type, timestamp: event.timestamp ?? now });
  const value = `${head.slice(0, -1)},"data":${event.dataJson}}`;
  const parsed = parseInputMessage(value);
  if (!parsed.ok) return parsed;
  // Text such as `{}, "data": {...}` would parse, yet what ingestion keeps would not be the text given.
  if (parsed.asWritten.dataJson !== event.dataJson) {
    return { ok: false, problems: [{ path: 'data', message: 'must be the JSON text of one object' }] };
  }
  return prepared(id, value, parsed.event, event.key, topicName);
}

function prepared(
  id: string,
  value: string,
  { event: type, data }: TypedEvent,
  key: string | undefined,
  topicName: (topic: EventTopic) => string,
): PreparedEvent {
  return {
    ok: true,
    id,
    type,
    record: {
      topic: topicName(eventCategoryTopic(categoryOf(type))),
      key: key ?? aggregateIdOf(type, data) ?? id,
      value,
    },
  };
}
