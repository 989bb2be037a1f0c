import { CATEGORY_TOPICS } from '@smart-dairy/kafka';
import { EVENT_CATALOG, MAX_EVENT_BYTES, type EventType } from '@smart-dairy/schemas';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { EVENT_ID_FIELD } from './load';
import { nth } from './util';

type Category = keyof typeof CATEGORY_TOPICS;

/** A valid event of some category, to be spoiled. */
const SPECIMEN: Record<Category, EventType> = {
  order: 'order.created',
  payment: 'payment.completed',
  shipment: 'shipment.created',
  user: 'user.registered',
  inventory: 'inventory.low',
  product: 'product.updated',
  system: 'system.dead_lettered',
};
/** An event type of another category than the topic's. */
const ELSEWHERE: Record<Category, EventType> = {
  order: 'payment.failed',
  payment: 'shipment.updated',
  shipment: 'user.updated',
  user: 'inventory.low',
  inventory: 'product.updated',
  product: 'order.cancelled',
  system: 'order.created',
};

const TIMESTAMP = '2026-03-02T07:15:30Z';
const envelope = (event: string, data: unknown, extra: object = {}) =>
  JSON.stringify({ event, timestamp: TIMESTAMP, data, ...extra });

/** Every way a message on a category topic can be wrong, by name: each yields the raw value (null: none). */
const SPOILERS: Record<string, (category: Category) => Buffer | null> = {
  'random-bytes': () => randomBytes(1 + Math.floor(Math.random() * 200)),
  'not-json': () => Buffer.from('{"event": "order.created", "timestamp": '),
  'json-array': () => Buffer.from('[1,2,3]'),
  'json-scalar': () => Buffer.from('42'),
  'no-value': () => null,
  'unknown-type': (c) => Buffer.from(envelope(`${c}.teleported`, {})),
  'other-category': (c) => Buffer.from(envelope(ELSEWHERE[c], EVENT_CATALOG[ELSEWHERE[c]].sample)),
  'missing-fields': (c) => Buffer.from(envelope(SPECIMEN[c], {})),
  'wrong-field-types': (c) =>
    Buffer.from(
      envelope(
        SPECIMEN[c],
        Object.fromEntries(Object.keys(EVENT_CATALOG[SPECIMEN[c]].sample).map((k) => [k, [k]])),
      ),
    ),
  'bad-timestamp': (c) =>
    Buffer.from(
      JSON.stringify({ event: SPECIMEN[c], timestamp: 'yesterday', data: EVENT_CATALOG[SPECIMEN[c]].sample }),
    ),
  'bad-id': (c) =>
    Buffer.from(envelope(SPECIMEN[c], EVENT_CATALOG[SPECIMEN[c]].sample, { id: { nested: true } })),
  'deep-nesting': () => Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
  'nul-bytes': (c) =>
    Buffer.from(
      envelope(SPECIMEN[c], { ...EVENT_CATALOG[SPECIMEN[c]].sample, note: 'a\u0000b' }).replace(
        '"note"',
        '"no\\u0000te"',
      ),
    ),
  // JSON.stringify writes a lone surrogate as a \ud83e escape, which jsonb refuses.
  'lone-surrogate': (c) =>
    Buffer.from(envelope(SPECIMEN[c], { ...EVENT_CATALOG[SPECIMEN[c]].sample, note: 'milk\ud83e' })),
  'random-json': () => Buffer.from(JSON.stringify(fc.sample(fc.jsonValue(), 1)[0] ?? null)),
};
const OVERSIZED = 'oversized';
/** Oversized messages cost a quarter of a megabyte each: a few per topic are enough. */
const OVERSIZED_EVERY = 200;

export interface PoisonMessage {
  key: string;
  value: Buffer | null;
  kind: string;
}

/** The `n`-th malformed message for a category topic; keys are unique so the quarantine can be checked. */
export function poisonMessage(category: Category, n: number, keyPrefix: string): PoisonMessage {
  const kinds = Object.keys(SPOILERS);
  const kind = n % OVERSIZED_EVERY === OVERSIZED_EVERY - 1 ? OVERSIZED : nth(kinds, n);
  const value =
    kind === OVERSIZED
      ? Buffer.from(
          envelope(SPECIMEN[category], {
            ...EVENT_CATALOG[SPECIMEN[category]].sample,
            pad: 'x'.repeat(MAX_EVENT_BYTES),
          }),
        )
      : (SPOILERS[kind]?.(category) ?? null);
  return { key: `${keyPrefix}${category}-${n}`, value, kind };
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '\u0000', '%', '%E0%A4%A', '../..', '\ud800', '{}', '1e999', 'null'),
);
const jsonish = fc.oneof(
  fc.jsonValue(),
  hostileText,
  fc.double(),
  fc.constant(null),
  fc.array(hostileText, { maxLength: 3 }),
);

/**
 * A random request for one of the service's routes or none of them: random bodies, broken JSON, other
 * content types, missing or wrong keys, and (most often, to reach the deeper checks) an event with one
 * part replaced. The id and the ledger's marker are never replaced, so an accepted event can be owed.
 */
export function fuzzRequest(
  rng: () => number,
  keys: { producer: string; read: string },
  id: string,
): FuzzRequest {
  const pick = <T>(items: readonly T[]): T => nth(items, Math.floor(rng() * items.length));
  const type = pick(Object.values(SPECIMEN).filter((t) => !t.startsWith('system.')));
  const valid = {
    id,
    event: type,
    timestamp: TIMESTAMP,
    data: { ...EVENT_CATALOG[type].sample, [EVENT_ID_FIELD]: id },
  };
  const [field, replacement] = [pick(['event', 'timestamp', 'data', 'extra']), fc.sample(jsonish, 1)[0]];
  const mutated =
    field === 'data'
      ? { ...valid, data: { ...valid.data, [pick(Object.keys(EVENT_CATALOG[type].sample))]: replacement } }
      : { ...valid, [field]: replacement };
  const body = pick([
    JSON.stringify(valid),
    JSON.stringify(mutated),
    JSON.stringify(mutated),
    JSON.stringify(fc.sample(jsonish, 1)[0] ?? null),
    one(hostileText),
    '{"event": "order.created", ',
    `{"pad": "${'x'.repeat(MAX_EVENT_BYTES)}"}`,
  ]);
  const authorization = pick([
    `Bearer ${keys.producer}`,
    `Bearer ${keys.producer}`,
    `Bearer ${keys.read}`,
    '',
    'Bearer sdk_nope',
    'Basic Zm9vOmJhcg==',
  ]);
  const contentType = pick([
    'application/json',
    'application/json',
    'application/json',
    'text/plain',
    'application/json; charset=utf-16',
    '',
  ]);
  const route = pick([
    { method: 'POST', path: '/v1/events' },
    { method: 'POST', path: '/v1/events' },
    { method: 'POST', path: '/v1/events' },
    { method: 'PUT', path: '/v1/events' },
    { method: 'GET', path: '/v1/events' },
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/ready' },
    { method: 'GET', path: '/metrics' },
    { method: 'POST', path: '/health' },
    // A lone surrogate cannot be percent-encoded; the round trip through UTF-8 replaces it.
    { method: 'GET', path: `/${encodeURIComponent(Buffer.from(one(hostileText)).toString())}` },
    { method: 'DELETE', path: '/v1/events/%zz' },
  ]);
  return {
    ...route,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(rng() < 0.1 ? { 'idempotency-key': headerSafe(one(hostileText)).slice(0, 300) } : {}),
    },
    ...(route.method === 'GET' ? {} : { body }),
  };
}

/** What fetch accepts in a header value. */
const headerSafe = (text: string) => text.replace(/[^\x21-\x7e]/g, '');

const one = <T>(arbitrary: fc.Arbitrary<T>): T => fc.sample(arbitrary, 1)[0] as T;
