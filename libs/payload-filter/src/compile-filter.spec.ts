import { compileFilter, type CompiledFilter } from './compile-filter';
import type { FilterableEvent } from './filter-syntax';

const order: FilterableEvent = {
  event: 'order.created',
  data: {
    order_id: 'ORD-2026-000123',
    total: 150,
    currency: 'EUR',
    status: 'pending',
    vip: true,
    coupon: null,
    items: [{ sku: 'MILK-WHOLE-1L', quantity: 2 }],
    shipping: { address: { country: 'DE', zip: '10115' } },
    tags: ['organic', 'chilled'],
    '1': 'one',
  },
};

function compiled(source: unknown): CompiledFilter {
  const result = compileFilter(source);
  if (!result.ok) throw new Error(`invalid filter: ${JSON.stringify(result.problems)}`);
  return result.filter;
}

describe('compileFilter: what matches', () => {
  it.each([
    ['the event type', { event: 'order.created' }, true],
    ['another event type', { event: 'order.updated' }, false],
    ['a prefix of the event type', { event: { $prefix: 'order.' } }, true],
    ['a number by shorthand', { 'data.total': 150 }, true],
    ['a number against its string', { 'data.total': '150' }, false],
    ['a string by $eq', { 'data.order_id': { $eq: 'ORD-2026-000123' } }, true],
    ['$gte', { 'data.total': { $gte: 100 } }, true],
    ['$gt at the value', { 'data.total': { $gt: 150 } }, false],
    ['a range', { 'data.total': { $gt: 100, $lte: 150 } }, true],
    ['a range missed', { 'data.total': { $gt: 100, $lt: 150 } }, false],
    ['a number ordered against a string', { 'data.total': { $lt: '200' } }, false],
    ['strings in code unit order', { 'data.order_id': { $gt: 'ORD-2026-000122' } }, true],
    ['$in', { 'data.currency': { $in: ['EUR', 'GBP'] } }, true],
    ['$nin', { 'data.currency': { $nin: ['EUR', 'GBP'] } }, false],
    ['$in of the string form', { 'data.total': { $in: ['150'] } }, false],
    ['$neq of a missing path', { 'data.region': { $neq: 'EU' } }, true],
    ['$nin of a missing path', { 'data.region': { $nin: ['EU'] } }, true],
    ['null against a missing path', { 'data.region': null }, false],
    ['null against null', { 'data.coupon': null }, true],
    ['$exists of null', { 'data.coupon': { $exists: true } }, true],
    ['$exists false of a missing path', { 'data.region': { $exists: false } }, true],
    ['$exists false of a present path', { 'data.total': { $exists: false } }, false],
    ['a nested path', { 'data.shipping.address.country': 'DE' }, true],
    ['a path through a string', { 'data.shipping.address.country.code': { $exists: true } }, false],
    ['an array element by index', { 'data.items.0.sku': { $prefix: 'MILK-' } }, true],
    ['an index past the end', { 'data.items.1.sku': { $exists: true } }, false],
    ['a key of the elements, without an index', { 'data.items.sku': { $exists: true } }, false],
    ['an array against one of its elements', { 'data.tags': 'organic' }, false],
    ['an indexed element', { 'data.tags.1': 'chilled' }, true],
    ['an array that exists', { 'data.tags': { $exists: true } }, true],
    ['an object against a scalar by $neq', { 'data.shipping': { $neq: 'DE' } }, true],
    ['a numeric key of an object', { 'data.1': 'one' }, true],
    ['$suffix', { 'data.shipping.address.zip': { $suffix: '115' } }, true],
    ['$prefix of a number', { 'data.total': { $prefix: '15' } }, false],
    ['a prototype property', { 'data.constructor': { $exists: true } }, false],
    ['an inherited method', { 'data.toString': { $exists: true } }, false],
    ['$or with one alternative holding', { $or: [{ 'data.currency': 'USD' }, { 'data.vip': true }] }, true],
    ['$or with none holding', { $or: [{ 'data.currency': 'USD' }, { 'data.vip': false }] }, false],
    ['$and with one failing', { $and: [{ 'data.currency': 'EUR' }, { 'data.total': { $gte: 200 } }] }, false],
    ['$not', { $not: { 'data.status': 'cancelled' } }, true],
    ['keys beside $not', { 'data.currency': 'EUR', $not: { 'data.total': { $lt: 100 } } }, true],
    ['every key of an object', { 'data.currency': 'EUR', 'data.status': 'cancelled' }, false],
  ])('%s: %j is %s', (_label, filter, expected) => {
    expect(compiled(filter).matches(order)).toBe(expected);
  });

  it('reads a key named __proto__ as the data holds it, from parsed JSON', () => {
    const event = { event: 'order.created', data: JSON.parse('{"__proto__": {"polluted": 1}}') as unknown };
    expect(compiled({ 'data.__proto__.polluted': 1 }).matches(event)).toBe(true);
    expect(compiled({ 'data.__proto__.polluted': 1 }).matches(order)).toBe(false);
  });
});

describe('compileFilter: why an event does not match', () => {
  it.each([
    [
      { 'data.total': { $gte: 200 } },
      [{ at: ['data.total', '$gte'], message: 'data.total is 150, not $gte 200' }],
    ],
    [{ 'data.region': 'EU' }, [{ at: ['data.region'], message: 'data.region is missing' }]],
    [
      { 'data.total': '150' },
      [{ at: ['data.total'], message: 'data.total is a number 150; $eq "150" only matches strings' }],
    ],
    [
      { 'data.coupon': { $gte: 1 } },
      [{ at: ['data.coupon', '$gte'], message: 'data.coupon is null; $gte 1 only matches numbers' }],
    ],
    [
      { 'data.items': { $prefix: 'M' } },
      [
        {
          at: ['data.items', '$prefix'],
          message: 'data.items is an array; $prefix "M" only matches strings',
        },
      ],
    ],
    [
      { 'data.currency': { $in: ['USD', 'GBP'] } },
      [{ at: ['data.currency', '$in'], message: 'data.currency is "EUR", not $in ["USD","GBP"]' }],
    ],
    [
      { 'data.coupon': { $exists: false } },
      [{ at: ['data.coupon', '$exists'], message: 'data.coupon exists' }],
    ],
    [{ $not: { 'data.vip': true } }, [{ at: ['$not'], message: 'the filter inside $not matched' }]],
    [
      { 'data.currency': 'USD', 'data.status': 'pending', 'data.vip': false },
      [
        { at: ['data.currency'], message: 'data.currency is "EUR", not $eq "USD"' },
        { at: ['data.vip'], message: 'data.vip is true, not $eq false' },
      ],
    ],
    [
      { $or: [{ 'data.currency': 'USD' }, { 'data.total': { $gt: 500 } }] },
      [
        { at: ['$or'], message: 'no alternative matched' },
        { at: ['$or', 0, 'data.currency'], message: 'data.currency is "EUR", not $eq "USD"' },
        { at: ['$or', 1, 'data.total', '$gt'], message: 'data.total is 150, not $gt 500' },
      ],
    ],
  ])('%j', (filter, mismatches) => {
    const { matches, explain } = compiled(filter);
    expect(matches(order)).toBe(false);
    expect(explain(order)).toEqual(mismatches);
  });

  it('finds nothing wrong with an event that matches', () => {
    expect(compiled({ $or: [{ 'data.vip': true }, { 'data.x': 1 }] }).explain(order)).toEqual([]);
  });

  it('shortens a long value in its message', () => {
    const event = { event: 'order.created', data: { note: 'x'.repeat(500) } };
    const [mismatch] = compiled({ 'data.note': 'y' }).explain(event);
    expect(mismatch?.message).toBe(`data.note is "${'x'.repeat(79)}..., not $eq "y"`);
  });
});
