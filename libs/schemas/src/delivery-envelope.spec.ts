import {
  buildEnvelope,
  deliveryIdFor,
  envelopeBytes,
  parseEnvelope,
  serializeEnvelope,
  type EnvelopeSource,
} from './delivery-envelope';
import { EVENT_CATALOG, EVENT_TYPES } from './event-catalog';

const envelope = buildEnvelope({
  deliveryId: 'wh_4f8a1c2e9b7d6a5f4e3d2c1b0a998877',
  event: 'inventory.low',
  timestamp: '2026-03-02T06:00:00Z',
  subscriptionId: 'sub_2b7c41d9',
  attempt: 2,
  data: EVENT_CATALOG['inventory.low'].sample,
});

describe('buildEnvelope', () => {
  it('maps the delivery onto the field names of docs/protocol.md#envelope', () => {
    expect(envelope).toEqual({
      id: 'wh_4f8a1c2e9b7d6a5f4e3d2c1b0a998877',
      event: 'inventory.low',
      timestamp: '2026-03-02T06:00:00Z',
      webhook_id: 'sub_2b7c41d9',
      attempt: 2,
      data: EVENT_CATALOG['inventory.low'].sample,
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attempt %p', (attempt) => {
    expect(() => buildEnvelope({ ...envelope, deliveryId: 'wh_1', subscriptionId: 's', attempt })).toThrow(
      RangeError,
    );
  });
});

describe('serializeEnvelope', () => {
  it('writes the keys in the documented order whatever the object order, data order kept', () => {
    const scrambled = {
      data: { b: 1, a: 2 },
      attempt: 1,
      webhook_id: 'sub_1',
      timestamp: '2026-03-02T06:00:00Z',
      event: 'product.updated',
      id: 'wh_1',
    } as unknown as Parameters<typeof serializeEnvelope>[0];
    expect(serializeEnvelope(scrambled).toString('utf8')).toBe(
      '{"id":"wh_1","event":"product.updated","timestamp":"2026-03-02T06:00:00Z","webhook_id":"sub_1","attempt":1,"data":{"b":1,"a":2}}',
    );
  });

  it('encodes text as UTF-8', () => {
    const bytes = serializeEnvelope({ ...envelope, data: { ...envelope.data, unit: 'é' } });
    // "é" is C3 A9 in UTF-8 (E9 in Latin-1, 00 E9 in UTF-16).
    expect(bytes.includes(Buffer.from([0x22, 0xc3, 0xa9, 0x22]))).toBe(true);
  });
});

describe('envelopeBytes', () => {
  const source: EnvelopeSource = {
    deliveryId: 'wh_4f8a1c2e9b7d6a5f4e3d2c1b0a998877',
    event: 'product.updated',
    timestamp: '2026-01-31T10:30:00Z',
    subscriptionId: 'wh_sub_2b7c41d9',
    attempt: 3,
    dataJson:
      '{"product_id":"P1","name":"Lait entier","changed_fields":["price"],"updated_at":"2026-01-31T10:30:00Z"}',
  };
  const text = (overrides: Partial<EnvelopeSource>) =>
    envelopeBytes({ ...source, ...overrides }).toString('utf8');

  it('writes the documented fields in order, data spliced in as given', () => {
    expect(text({})).toBe(
      '{"id":"wh_4f8a1c2e9b7d6a5f4e3d2c1b0a998877","event":"product.updated","timestamp":"2026-01-31T10:30:00Z",' +
        `"webhook_id":"wh_sub_2b7c41d9","attempt":3,"data":${source.dataJson}}`,
    );
  });

  // Each of these would change if data went through JSON.parse and JSON.stringify on the way.
  it.each([
    ['integer-like keys in their written order', '{"10":"ten","2":"two","a":{"10":1,"2":2}}'],
    ['escapes as written', '{"name":"Cr\\u00e8me fra\\u00eeche","path":"a\\/b","quote":"\\""}'],
    ['number forms as written', '{"total":1.0,"tax":0.50,"big":1E+2,"exact":12345678901234567890}'],
    ['whitespace as written', '{ "a" : [ 1 , 2 ] ,\n  "b" : {} }'],
    ['a duplicate name, both copies', '{"a":1,"a":2}'],
    ['text beyond the BMP', '{"note":"🐄🥛"}'],
  ])('keeps %s, byte for byte', (_case, dataJson) => {
    const body = text({ dataJson });
    expect(body.endsWith(`,"data":${dataJson}}`)).toBe(true);
    expect(body.slice(0, -dataJson.length - 1)).toBe(text({ dataJson: '{}' }).slice(0, -3));
  });

  it('is UTF-8', () => {
    expect(envelopeBytes({ ...source, dataJson: '{"unit":"é"}' }).includes(Buffer.from([0xc3, 0xa9]))).toBe(
      true,
    );
  });

  it.each([
    ['a Z timestamp, not given milliseconds', '2026-01-31T10:30:00Z', '2026-01-31T10:30:00Z'],
    ['a Z timestamp, its fraction as written', '2026-01-31T10:30:00.500000Z', '2026-01-31T10:30:00.500000Z'],
    ['an offset timestamp, in UTC', '2026-01-31T12:30:00.25+02:00', '2026-01-31T10:30:00.25Z'],
  ])('writes %s', (_case, timestamp, expected) => {
    expect(JSON.parse(text({ timestamp })).timestamp).toBe(expected);
  });

  it('gives the same bytes for the same delivery and attempt, and differs only in attempt between attempts', () => {
    expect(envelopeBytes(source)).toEqual(envelopeBytes({ ...source }));
    expect(text({ attempt: 4 })).toBe(text({}).replace('"attempt":3', '"attempt":4'));
  });

  it('is read back by parseEnvelope', () => {
    const result = parseEnvelope(envelopeBytes(source));
    expect(result).toEqual({
      ok: true,
      envelope: {
        id: source.deliveryId,
        event: source.event,
        timestamp: source.timestamp,
        webhook_id: source.subscriptionId,
        attempt: 3,
        data: JSON.parse(source.dataJson),
      },
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attempt %p', (attempt) => {
    expect(() => envelopeBytes({ ...source, attempt })).toThrow(RangeError);
  });

  it.each(['[]', '"x"', ' {}', ''])('rejects data text %p that is not an object', (dataJson) => {
    expect(() => envelopeBytes({ ...source, dataJson })).toThrow(TypeError);
  });

  it('rejects a timestamp without a zone', () => {
    expect(() => envelopeBytes({ ...source, timestamp: '2026-01-31T10:30:00' })).toThrow(RangeError);
  });
});

describe('parseEnvelope', () => {
  it.each(EVENT_TYPES)('reads back a serialized %s envelope', (type) => {
    const built = buildEnvelope({
      deliveryId: deliveryIdFor({ type: 'order.created', id: 'evt_1' }, 'sub_1'),
      event: type,
      timestamp: '2026-03-02T06:00:00Z',
      subscriptionId: 'sub_1',
      attempt: 1,
      data: EVENT_CATALOG[type].sample,
    });
    expect(parseEnvelope(serializeEnvelope(built))).toEqual({ ok: true, envelope: built });
  });

  const json = (overrides: Record<string, unknown>) => JSON.stringify({ ...envelope, ...overrides });

  it.each([
    ['not JSON', 'wh_1', ''],
    ['no webhook_id', json({ webhook_id: undefined }), 'webhook_id'],
    ['attempt 0', json({ attempt: 0 }), 'attempt'],
    ['attempt as a string', json({ attempt: '1' }), 'attempt'],
    ['an unknown event', json({ event: 'inventory.high' }), 'event'],
    ['data that does not fit the event', json({ data: { product_id: 'P' } }), 'data.warehouse_id'],
    ['an extra top-level field', json({ signature: 'x' }), 'signature'],
  ])('reports %s', (_case, bytes, path) => {
    const result = parseEnvelope(bytes);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((problem) => problem.path)).toContain(path);
  });
});

describe('deliveryIdFor', () => {
  const order = (id: string) => ({ type: 'order.created', id });

  it('matches the reference value', () => {
    // Computed independently: printf 'order\nevt_0123456789abcdef0123456789abcdef\nsub_42' | sha256sum | cut -c1-32
    expect(deliveryIdFor(order('evt_0123456789abcdef0123456789abcdef'), 'sub_42')).toBe(
      'wh_ccd37d9efc3e6009c11bc0269042df8e',
    );
  });

  it('is stable across calls and differs per subscription and per event', () => {
    const id = deliveryIdFor(order('evt_1'), 'sub_a');
    expect(deliveryIdFor(order('evt_1'), 'sub_a')).toBe(id);
    expect(deliveryIdFor(order('evt_1'), 'sub_b')).not.toBe(id);
    expect(deliveryIdFor(order('evt_2'), 'sub_a')).not.toBe(id);
    expect(id).toMatch(/^wh_[0-9a-f]{32}$/);
  });

  it('differs per category, where the same id may name another event, and not per type within one', () => {
    const id = deliveryIdFor(order('evt_1'), 'sub_a');
    expect(deliveryIdFor({ type: 'payment.completed', id: 'evt_1' }, 'sub_a')).not.toBe(id);
    expect(deliveryIdFor({ type: 'order.cancelled', id: 'evt_1' }, 'sub_a')).toBe(id);
  });
});
