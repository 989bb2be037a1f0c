import {
  BUSINESS_EVENT_TYPES,
  EVENT_CATALOG,
  EVENT_CATEGORIES,
  EVENT_TYPES,
  SYSTEM_EVENT_TYPES,
  categoryOf,
  eventCategoryTopic,
  isEventCategory,
  isEventType,
  type EventType,
} from './event-catalog';

// The business types of docs/protocol.md#event-catalog, with their category and priority.
const BUSINESS_TYPES: [EventType, string, string][] = [
  ['order.created', 'order', 'high'],
  ['order.updated', 'order', 'medium'],
  ['order.cancelled', 'order', 'high'],
  ['order.refunded', 'order', 'medium'],
  ['payment.completed', 'payment', 'high'],
  ['payment.failed', 'payment', 'high'],
  ['payment.refunded', 'payment', 'medium'],
  ['shipment.created', 'shipment', 'medium'],
  ['shipment.updated', 'shipment', 'low'],
  ['shipment.delivered', 'shipment', 'high'],
  ['user.registered', 'user', 'medium'],
  ['user.updated', 'user', 'low'],
  ['inventory.low', 'inventory', 'high'],
  ['product.updated', 'product', 'low'],
];

// The platform's operational events (docs/protocol.md#system-events), all delivered at high priority.
const SYSTEM_TYPES: [EventType, string, string][] = [
  ['system.dead_lettered', 'system', 'high'],
  ['system.subscription_disabled', 'system', 'high'],
  ['system.endpoint_failing', 'system', 'high'],
];

const dataOf = (type: EventType, overrides: Record<string, unknown>) => ({
  ...EVENT_CATALOG[type].sample,
  ...overrides,
});

describe('event catalog', () => {
  it('holds exactly the fourteen business types and the three system types', () => {
    expect([...BUSINESS_EVENT_TYPES].sort()).toEqual(BUSINESS_TYPES.map(([type]) => type).sort());
    expect([...SYSTEM_EVENT_TYPES].sort()).toEqual(SYSTEM_TYPES.map(([type]) => type).sort());
    expect([...EVENT_TYPES].sort()).toEqual([...BUSINESS_EVENT_TYPES, ...SYSTEM_EVENT_TYPES].sort());
  });

  it.each([...BUSINESS_TYPES, ...SYSTEM_TYPES])(
    '%s is a %s event of %s priority, version 1.0',
    (type, category, priority) => {
      const definition = EVENT_CATALOG[type];
      expect(definition).toMatchObject({ type, category, priority, version: '1.0' });
      expect(definition.description).not.toBe('');
    },
  );

  it.each(EVENT_TYPES)('the sample of %s satisfies its schema', (type) => {
    const { schema, sample } = EVENT_CATALOG[type];
    expect(schema.safeParse(sample)).toEqual({ success: true, data: sample });
  });

  it.each(EVENT_TYPES)('the schema of %s keeps fields it does not know', (type) => {
    const extended = dataOf(type, { loyalty_tier: 'gold', nested: { kept: true } });
    expect(EVENT_CATALOG[type].schema.parse(extended)).toEqual(extended);
  });

  it.each(
    EVENT_TYPES.flatMap((type) =>
      Object.keys(EVENT_CATALOG[type].schema.shape).map((field) => [type, field]),
    ),
  )('%s requires %s', (type, field) => {
    const data: Record<string, unknown> = { ...EVENT_CATALOG[type as EventType].sample };
    delete data[field];
    const result = EVENT_CATALOG[type as EventType].schema.safeParse(data);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[field]]);
  });

  // The fields of the sample payloads (docs/protocol.md#event-catalog); partners code against them.
  it.each<[EventType, string[]]>([
    [
      'order.created',
      ['order_id', 'customer_id', 'items', 'subtotal', 'tax', 'total', 'currency', 'status', 'created_at'],
    ],
    ['order.cancelled', ['order_id', 'customer_id', 'reason', 'cancelled_at', 'refund_amount']],
    [
      'payment.completed',
      ['payment_id', 'order_id', 'amount', 'currency', 'method', 'transaction_id', 'processed_at'],
    ],
    [
      'payment.failed',
      [
        'payment_id',
        'order_id',
        'amount',
        'currency',
        'method',
        'error_code',
        'error_message',
        'attempted_at',
      ],
    ],
    [
      'shipment.delivered',
      [
        'shipment_id',
        'order_id',
        'carrier',
        'tracking_number',
        'delivered_at',
        'recipient',
        'delivery_location',
      ],
    ],
    [
      'shipment.updated',
      [
        'shipment_id',
        'order_id',
        'carrier',
        'tracking_number',
        'status',
        'location',
        'updated_at',
        'estimated_delivery',
      ],
    ],
    [
      'user.registered',
      ['user_id', 'email', 'first_name', 'last_name', 'phone', 'registered_at', 'verification_status'],
    ],
  ])('%s has the fields of the documented example', (type, fields) => {
    expect(Object.keys(EVENT_CATALOG[type].schema.shape)).toEqual(expect.arrayContaining(fields));
  });

  it.each<[EventType, string, unknown, string]>([
    ['order.created', 'total', '98.28', 'total'],
    ['order.created', 'items', [], 'items'],
    [
      'order.created',
      'items',
      [{ product_id: 'P', quantity: 1.5, unit_price: 1, total: 1.5 }],
      'items.0.quantity',
    ],
    [
      'order.created',
      'items',
      [{ product_id: 'P', quantity: 1, unit_price: '1', total: 1 }],
      'items.0.unit_price',
    ],
    ['order.created', 'currency', 'usd', 'currency'],
    ['order.created', 'created_at', '2026-01-31T10:30:00', 'created_at'],
    ['order.cancelled', 'refund_amount', -1, 'refund_amount'],
    ['payment.completed', 'amount', '98.28', 'amount'],
    ['payment.failed', 'attempted_at', 1769855400, 'attempted_at'],
    ['shipment.updated', 'estimated_delivery', 'tomorrow', 'estimated_delivery'],
    ['shipment.delivered', 'order_id', 1234, 'order_id'],
    ['shipment.created', 'tracking_number', '', 'tracking_number'],
    ['user.registered', 'email', 'customer.example.com', 'email'],
    ['user.updated', 'changed_fields', [''], 'changed_fields.0'],
    ['inventory.low', 'quantity_available', -1, 'quantity_available'],
    ['inventory.low', 'threshold', 2.5, 'threshold'],
    ['product.updated', 'changed_fields', [], 'changed_fields'],
    ['order.refunded', 'amount', null, 'amount'],
    ['payment.refunded', 'refunded_at', '2026-03-03', 'refunded_at'],
    ['order.updated', 'status', '', 'status'],
    ['system.dead_lettered', 'attempts', -1, 'attempts'],
    ['system.subscription_disabled', 'disabled_at', 'now', 'disabled_at'],
    ['system.endpoint_failing', 'threshold', 0, 'threshold'],
    ['system.endpoint_failing', 'last_error_class', '', 'last_error_class'],
  ])('%s rejects %s = %j', (type, field, value, path) => {
    const result = EVENT_CATALOG[type].schema.safeParse(dataOf(type, { [field]: value }));
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });
});

describe('categories', () => {
  it('are the type prefixes, in catalog order', () => {
    expect(EVENT_CATEGORIES).toEqual([
      'order',
      'payment',
      'shipment',
      'user',
      'inventory',
      'product',
      'system',
    ]);
  });

  it.each([...BUSINESS_TYPES, ...SYSTEM_TYPES])('categoryOf(%s) is %s', (type, category) => {
    expect(categoryOf(type)).toBe(category);
  });

  it.each([
    ['order', 'events.order'],
    ['inventory', 'events.inventory'],
    ['system', 'events.system'],
  ] as const)('%s events are published on %s', (category, topic) => {
    expect(eventCategoryTopic(category)).toBe(topic);
  });

  it.each([
    ['order', true],
    ['shipment', true],
    ['logistics', false],
    ['system', true],
    ['order.*', false],
    [undefined, false],
  ])('isEventCategory(%j) is %s', (value, expected) => {
    expect(isEventCategory(value)).toBe(expected);
  });
});

describe('isEventType', () => {
  it.each([
    ['order.created', true],
    ['inventory.low', true],
    ['system.dead_lettered', true],
    ['ORDER.CREATED', false],
    ['order', false],
    ['order.*', false],
    ['order.shipped', false],
    ['toString', false],
    ['__proto__', false],
    [42, false],
    [null, false],
  ])('%j is %s', (value, expected) => {
    expect(isEventType(value)).toBe(expected);
  });
});
