import { BUSINESS_EVENT_TYPES } from './event-catalog';
import { matchesFilter, validateFilter } from './event-filter';

describe('matchesFilter', () => {
  it.each([
    ['order.created', 'order.created', true],
    ['order.created', 'order.updated', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order.refunded', true],
    ['order.*', 'payment.completed', false],
    ['order.*', 'orders.created', false],
    ['*', 'inventory.low', true],
    ['*', 'product.updated', true],
    ['*', 'system.dead_lettered', false],
    ['system.*', 'system.dead_lettered', true],
    ['system.*', 'order.created', false],
    ['system.endpoint_failing', 'system.endpoint_failing', true],
    ['ORDER.*', 'order.created', false],
    ['order.cre*', 'order.created', false],
    ['*.created', 'order.created', false],
    ['', 'order.created', false],
    ['order.*.*', 'order.created', false],
    ['logistics.*', 'shipment.created', false],
  ])('%j against %s is %s', (filter, eventType, expected) => {
    expect(matchesFilter(filter, eventType)).toBe(expected);
  });
});

describe('validateFilter', () => {
  it.each([
    ['*', [...BUSINESS_EVENT_TYPES]],
    ['system.*', ['system.dead_lettered', 'system.subscription_disabled', 'system.endpoint_failing']],
    ['payment.*', ['payment.completed', 'payment.failed', 'payment.refunded']],
    ['inventory.*', ['inventory.low']],
    ['user.updated', ['user.updated']],
  ])('accepts %j, which selects %j', (filter, matches) => {
    expect(validateFilter(filter)).toEqual({ ok: true, matches });
  });

  it.each([
    '',
    'order',
    'order.',
    'order.shipped',
    'system.',
    'system.crashed',
    '*.*',
    'order.c*',
    ' order.created',
    '**',
  ])('rejects %j', (filter) => {
    const result = validateFilter(filter);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(JSON.stringify(filter)) });
  });
});
