import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EventData, EventType } from './event-catalog';
import { isoTimestamp, toUtcTimestamp } from './iso-timestamp';
import { decodeJsonMessage } from './json-message';
import type { Problem } from './problem';
import { parseTypedMessage } from './typed-message';

/**
 * What a subscriber receives (docs/protocol.md#envelope): one event, addressed to one subscription, on one
 * attempt.
 */
export type DeliveryEnvelope<T extends EventType = EventType> = {
  [K in T]: {
    /** Delivery id: the same on every attempt of this event to this subscription. */
    readonly id: string;
    readonly event: K;
    /** When the event occurred (UTC), not when this attempt was sent. */
    readonly timestamp: string;
    /** The subscription the delivery is for. */
    readonly webhook_id: string;
    /** 1 on the first attempt. */
    readonly attempt: number;
    readonly data: EventData<K>;
  };
}[T];

export interface EnvelopeInput<T extends EventType> {
  readonly deliveryId: string;
  readonly event: T;
  readonly timestamp: string;
  readonly subscriptionId: string;
  readonly attempt: number;
  readonly data: EventData<T>;
}

export type EnvelopeResult =
  | { readonly ok: true; readonly envelope: DeliveryEnvelope }
  | { readonly ok: false; readonly problems: Problem[] };

const envelopeShape = z.strictObject({
  id: z.string().min(1),
  event: z.string(),
  timestamp: isoTimestamp,
  webhook_id: z.string().min(1),
  attempt: z.number().int().positive(),
  data: z.looseObject({}),
});

export function buildEnvelope<T extends EventType>(input: EnvelopeInput<T>): DeliveryEnvelope<T> {
  checkAttempt(input.attempt);
  // The mapped type does not simplify for a generic T, so the object is asserted to it.
  return {
    id: input.deliveryId,
    event: input.event,
    timestamp: input.timestamp,
    webhook_id: input.subscriptionId,
    attempt: input.attempt,
    data: input.data,
  } as DeliveryEnvelope<T>;
}

/**
 * An envelope's fields as the platform keeps them: the event's content as its producer wrote it (the
 * `events` row's `data_json` and `occurred_at_text`, from `EventAsWritten` at ingestion) and the delivery's
 * own fields. Everything `envelopeBytes` needs, and nothing parsed.
 */
export interface EnvelopeSource {
  /** The envelope's `id`: the delivery id, `deliveryIdFor(event, subscriptionId)`. */
  readonly deliveryId: string;
  /** The envelope's `event`: the event type. */
  readonly event: string;
  /**
   * The event's `timestamp` as its producer wrote it; the envelope carries `toUtcTimestamp` of it, which is
   * the same text for a `Z` timestamp, so an already normalised one may be passed too.
   */
  readonly timestamp: string;
  /** The envelope's `webhook_id`: the subscription id. */
  readonly subscriptionId: string;
  /** 1 on the first attempt; it keeps counting across retries, replays and manual retries. */
  readonly attempt: number;
  /** The JSON text of the event's `data` (an object) as its producer wrote it; written into the body unchanged. */
  readonly dataJson: string;
}

/**
 * The exact bytes that are signed and sent (docs/protocol.md#envelope): the fields in the documented order,
 * without spaces, as UTF-8, with `dataJson` spliced in as it is. `data` is never parsed and written again,
 * so key order, escapes and number forms stay the producer's, and every attempt of a delivery (retries,
 * replays and manual retries included) carries the same `data` bytes as the first.
 */
export function envelopeBytes(source: EnvelopeSource): Buffer {
  const { deliveryId, event, timestamp, subscriptionId, attempt, dataJson } = source;
  checkAttempt(attempt);
  // A cheap guard, not a validation: the text comes from a slice ingestion took of a valid object.
  if (!dataJson.startsWith('{') || !dataJson.endsWith('}')) {
    throw new TypeError('dataJson must be the JSON text of an object, as stored for the event');
  }
  const head = JSON.stringify({
    id: deliveryId,
    event,
    timestamp: toUtcTimestamp(timestamp),
    webhook_id: subscriptionId,
    attempt,
  });
  return Buffer.from(`${head.slice(0, -1)},"data":${dataJson}}`, 'utf8');
}

/**
 * The bytes of an envelope object: `envelopeBytes` with its `data` written by `JSON.stringify`, so key order
 * and number forms are those of the object, not the producer's. For callers that hold a parsed event only.
 */
export function serializeEnvelope(envelope: DeliveryEnvelope): Buffer {
  const { id, event, timestamp, webhook_id, attempt, data } = envelope;
  return envelopeBytes({
    deliveryId: id,
    event,
    timestamp,
    subscriptionId: webhook_id,
    attempt,
    dataJson: JSON.stringify(data),
  });
}

function checkAttempt(attempt: number): void {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
}

/** Reads an envelope back from its bytes, checking `data` against the event type. Never throws. */
export function parseEnvelope(bytes: Uint8Array | string): EnvelopeResult {
  const decoded = decodeJsonMessage(bytes, Number.POSITIVE_INFINITY);
  if (!decoded.ok) return decoded;
  const parsed = parseTypedMessage(decoded.value.value, envelopeShape);
  return parsed.ok ? { ok: true, envelope: parsed.value as DeliveryEnvelope } : parsed;
}

/**
 * The delivery id of an event for a subscription. Derived rather than random so every retry, and every
 * re-run of the dispatcher after a crash, sends the same id and the subscriber can deduplicate on it. The
 * category takes part because an event id is unique only within its category.
 */
export function deliveryIdFor(event: { type: string; id: string }, subscriptionId: string): string {
  const category = event.type.slice(0, event.type.indexOf('.'));
  const digest = createHash('sha256')
    .update(`${category}\n${event.id}\n${subscriptionId}`, 'utf8')
    .digest('hex');
  return `wh_${digest.slice(0, 32)}`;
}
