import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EVENT_CATALOG, type EventCategory, type EventData, type EventType } from './event-catalog';
import { isoTimestamp, toUtcTimestamp } from './iso-timestamp';
import { problem, type Problem } from './problem';
import { decodeJsonMessage, type JsonMessage } from './json-message';
import { jsonMemberSpan, type TextSpan } from './json-member-span';
import { findUnstorableText, refineStorableText } from './storable-text';
import { parseTypedMessage } from './typed-message';

/** Upper bound for one message on an `events.<category>` topic, checked before parsing. */
export const MAX_EVENT_BYTES = 256 * 1024;

export const MAX_EVENT_ID_LENGTH = 255;

/** An event as a producer published it, its `data` checked against its type's schema. */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: {
    /** The producer's dedup key; absent when the producer left it to the platform (see `assignEventId`). */
    readonly id?: string;
    readonly event: K;
    /** Occurrence time, always in UTC. */
    readonly timestamp: string;
    readonly data: EventData<K>;
  };
}[T];

export interface InputMessageOptions {
  /** The category of the topic the message came from; an event of another category is a problem. */
  readonly expectedCategory?: EventCategory;
}

/**
 * What deliveries repeat byte for byte (docs/protocol.md#envelope), as the producer wrote it. The envelope
 * is built from this on every attempt, never from the parsed `data`, which has lost key order, escapes and
 * number forms (`{"10":1.0,"2":"\u00e9"}` parses to what `JSON.stringify` writes as `{"2":"é","10":1}`).
 */
export interface EventAsWritten {
  /** `timestamp` as sent, zone and fraction digits untouched; `toUtcTimestamp` makes the envelope's from it. */
  readonly timestamp: string;
  /**
   * The JSON text of `data` exactly as it stood in the message: a slice of the bytes or string given. For an
   * already parsed message it is `JSON.stringify` of its `data`, the only writing such a value has.
   */
  readonly dataJson: string;
}

export type InputMessageResult =
  | { readonly ok: true; readonly event: TypedEvent; readonly asWritten: EventAsWritten }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Ids the platform derives from a message's Kafka position start with this; producers may not send one,
 * so nobody can take the id of an event not yet written (see docs/security.md).
 */
export const DERIVED_EVENT_ID_PREFIX = 'kafka:';

// Control characters are refused because ids end up in logs and headers, and a newline would make
// `deliveryIdFor(event, subscriptionId)` ambiguous.
const eventId = z
  .string()
  .min(1)
  .max(MAX_EVENT_ID_LENGTH)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters')
  .refine(
    (id) => !id.startsWith(DERIVED_EVENT_ID_PREFIX),
    `must not start with "${DERIVED_EVENT_ID_PREFIX}", which is reserved for ids the platform derives`,
  )
  .superRefine(refineStorableText);

const inputMessageShape = z.strictObject({
  id: eventId.optional(),
  event: z.string(),
  timestamp: isoTimestamp,
  data: z.looseObject({}),
});

/**
 * Validates a message from an `events.<category>` topic: bytes, a JSON string or an already parsed value.
 * Never throws; every problem found is reported at once. Fields beside id/event/timestamp/data are
 * rejected rather than ignored, because nothing outside `data` reaches subscribers.
 */
export function parseInputMessage(raw: unknown, options: InputMessageOptions = {}): InputMessageResult {
  try {
    return parse(raw, options);
  } catch (error) {
    // Only reachable through hostile in-process values (throwing getters, proxies), never through JSON.
    return { ok: false, problems: [problem('', `message could not be inspected: ${String(error)}`)] };
  }
}

function parse(raw: unknown, { expectedCategory }: InputMessageOptions): InputMessageResult {
  const decoded = decodeJsonMessage(raw, MAX_EVENT_BYTES);
  if (!decoded.ok) return decoded;
  const parsed = parseTypedMessage(decoded.value.value, inputMessageShape, expectedCategory);
  if (!parsed.ok) return parsed;
  const { id, event, timestamp, data } = parsed.value;
  // Stored in jsonb: an event Postgres refuses would fail every insert and stall its partition.
  const unstorable = findUnstorableText(data, ['data']);
  if (unstorable !== undefined) return { ok: false, problems: [problem(unstorable.path, unstorable.reason)] };
  const typedEvent = {
    ...(id === undefined ? {} : { id }),
    event,
    timestamp: toUtcTimestamp(timestamp),
    data,
  };
  return {
    ok: true,
    event: typedEvent as TypedEvent,
    asWritten: { timestamp, dataJson: dataJsonOf(decoded.value) },
  };
}

/** The `data` member's text, the message being a valid input message. */
function dataJsonOf({ value, text }: JsonMessage): string {
  if (text === undefined) return JSON.stringify((value as { data: unknown }).data);
  const span = jsonMemberSpan(text, 'data') as TextSpan;
  return text.slice(span.start, span.end);
}

/**
 * The input message of any of `types`, each type with its own `data` schema, as one zod schema: for
 * documents such as the OpenAPI description of POST /v1/events. Validating is `parseInputMessage`'s job,
 * which also bounds the size and reports the problems of the shape and of `data` at once.
 */
export function inputMessageSchema(types: readonly EventType[]) {
  return z.union(
    types.map((type) =>
      inputMessageShape.extend({ event: z.literal(type), data: EVENT_CATALOG[type].schema }),
    ),
  );
}

/** A fresh dedup key for an event whose producer sent none. */
export function assignEventId(): string {
  return `evt_${randomBytes(16).toString('hex')}`;
}
