import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EventData, EventType } from './event-catalog';
import { isoTimestamp } from './iso-timestamp';
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
  if (!Number.isSafeInteger(input.attempt) || input.attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${input.attempt}`);
  }
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
 * The exact bytes that are signed and sent. Keys are written in the documented order whatever order the
 * envelope object has, so identical deliveries always produce identical bytes.
 */
export function serializeEnvelope(envelope: DeliveryEnvelope): Buffer {
  const { id, event, timestamp, webhook_id, attempt, data } = envelope;
  return Buffer.from(JSON.stringify({ id, event, timestamp, webhook_id, attempt, data }), 'utf8');
}

/** Reads an envelope back from its bytes, checking `data` against the event type. Never throws. */
export function parseEnvelope(bytes: Uint8Array | string): EnvelopeResult {
  const parsed = parseTypedMessage(bytes, envelopeShape, Number.POSITIVE_INFINITY);
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
