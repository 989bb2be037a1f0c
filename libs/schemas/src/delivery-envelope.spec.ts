import { buildEnvelope, deliveryIdFor, parseEnvelope, serializeEnvelope } from './delivery-envelope';
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
