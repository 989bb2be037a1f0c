import { canonicalJson, eventContent } from './event-content';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('eventContent', () => {
  const data = { order_id: 'ORD-1', total: 7.5, items: [{ sku: 'A', qty: 1 }] };

  it.each([
    [
      'key order',
      'order.created',
      '2026-01-31T10:30:00Z',
      { items: [{ qty: 1, sku: 'A' }], total: 7.5, order_id: 'ORD-1' },
    ],
    ['another spelling of the same instant', 'order.created', '2026-01-31T11:30:00.000+01:00', data],
    ['a Date read back from Postgres', 'order.created', new Date('2026-01-31T10:30:00Z'), data],
  ])('is the same whatever the %s', (_case, type, at, other) => {
    expect(eventContent(type, at, other)).toBe(eventContent('order.created', '2026-01-31T10:30:00Z', data));
  });

  it.each([
    ['type', 'order.cancelled', '2026-01-31T10:30:00Z', data],
    ['timestamp', 'order.created', '2026-01-31T10:30:00.001Z', data],
    ['data', 'order.created', '2026-01-31T10:30:00Z', { ...data, total: 8 }],
    [
      'array order',
      'order.created',
      '2026-01-31T10:30:00Z',
      { ...data, items: [{ sku: 'B', qty: 1 }, ...data.items] },
    ],
  ])('differs in %s', (_case, type, at, other) => {
    expect(eventContent(type, at, other)).not.toBe(
      eventContent('order.created', '2026-01-31T10:30:00Z', data),
    );
  });
});
