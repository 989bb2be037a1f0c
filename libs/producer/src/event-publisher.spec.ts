import { EVENT_CATALOG, EVENT_TYPES, MAX_EVENT_BYTES, type EventType } from '@smart-dairy/schemas';
import { EventPublisher } from './event-publisher';
import type { EventRecord, EventToPublish } from './event-record';
import { EventRejectedError } from './event-rejected-error';
import type { EventTransport } from './event-transport';

const NOW = new Date('2026-03-02T07:15:30.250Z');

function publisherWithFakeKafka() {
  const sent: EventRecord[][] = [];
  const transport: EventTransport = {
    topicName: (topic) => `t1.${topic}`,
    send: async (records) => {
      sent.push([...records]);
      return records.map((_, index) => ({ partition: index % 2, offset: String(100 + index) }));
    },
    close: jest.fn(async () => undefined),
  };
  return { publisher: new EventPublisher(transport, { now: () => NOW }), sent, transport };
}

const sample = <T extends EventType>(type: T) => EVENT_CATALOG[type].sample;
const orderCreated = sample('order.created');
const { order_id: _orderId, ...withoutOrderId } = orderCreated;

const TOPIC_AND_KEY: [EventType, string, string][] = [
  ['order.created', 't1.events.order', 'ORD-2026-004821'],
  ['order.updated', 't1.events.order', 'ORD-2026-004821'],
  ['order.cancelled', 't1.events.order', 'ORD-2026-004822'],
  ['order.refunded', 't1.events.order', 'ORD-2026-004821'],
  ['payment.completed', 't1.events.payment', 'PAY-550918'],
  ['payment.failed', 't1.events.payment', 'PAY-550919'],
  ['payment.refunded', 't1.events.payment', 'PAY-550918'],
  ['shipment.created', 't1.events.shipment', 'SHIP-771204'],
  ['shipment.updated', 't1.events.shipment', 'SHIP-771204'],
  ['shipment.delivered', 't1.events.shipment', 'SHIP-771204'],
  ['user.registered', 't1.events.user', 'USER-30581'],
  ['user.updated', 't1.events.user', 'USER-30581'],
  ['inventory.low', 't1.events.inventory', 'PROD-BUTTER-SALTED-250G'],
  ['product.updated', 't1.events.product', 'PROD-CHEESE-CHEDDAR-200G'],
  ['system.dead_lettered', 't1.events.system', 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e'],
  ['system.subscription_disabled', 't1.events.system', 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e'],
  ['system.endpoint_failing', 't1.events.system', 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e'],
];

describe('EventPublisher.publish', () => {
  it.each(TOPIC_AND_KEY)('sends %s to %s keyed by its aggregate id %s', async (type, topic, key) => {
    const { publisher, sent } = publisherWithFakeKafka();
    await publisher.publish(type, sample(type), { id: 'evt_1' });
    expect(sent).toEqual([[{ topic, key, value: expect.any(String) }]]);
  });

  it('has a topic and key case for every catalog type', () => {
    expect(TOPIC_AND_KEY.map(([type]) => type).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('sends exactly id, event, timestamp and data, and resolves with where Kafka stored the event', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    const data = sample('payment.completed');
    const published = await publisher.publish('payment.completed', data, {
      id: 'evt_pay_1',
      timestamp: '2026-03-02T07:16:04Z',
    });
    expect(published).toEqual({ id: 'evt_pay_1', topic: 't1.events.payment', partition: 0, offset: '100' });
    expect(sent[0][0].value).toBe(
      JSON.stringify({
        id: 'evt_pay_1',
        event: 'payment.completed',
        timestamp: '2026-03-02T07:16:04Z',
        data,
      }),
    );
  });

  it('assigns a fresh event id to each event published without one', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    const first = await publisher.publish('user.updated', sample('user.updated'));
    const second = await publisher.publish('user.updated', sample('user.updated'));
    expect(first.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(second.id).not.toBe(first.id);
    expect(JSON.parse(sent[0][0].value)).toMatchObject({ id: first.id });
  });

  it.each<[string, string | Date | undefined, string]>([
    ['now when omitted', undefined, '2026-03-02T07:15:30.250Z'],
    ['a Date in UTC', new Date('2026-03-01T23:00:00+02:00'), '2026-03-01T21:00:00.000Z'],
    ['a string verbatim', '2026-03-02T12:45:00+05:30', '2026-03-02T12:45:00+05:30'],
  ])('takes the timestamp as %s', async (_case, timestamp, expected) => {
    const { publisher, sent } = publisherWithFakeKafka();
    await publisher.publish('inventory.low', sample('inventory.low'), { timestamp });
    expect(JSON.parse(sent[0][0].value)).toMatchObject({ timestamp: expected });
  });

  it('uses a key given by the caller instead of the aggregate id', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    await publisher.publish('order.created', sample('order.created'), { key: 'CUST-10442' });
    expect(sent[0][0].key).toBe('CUST-10442');
  });

  it.each<[string, EventType, unknown, Record<string, unknown>, { path: string; message: string }[]]>([
    [
      'a missing required field',
      'order.created',
      withoutOrderId,
      {},
      [{ path: 'data.order_id', message: expect.any(String) }],
    ],
    [
      'fields of the wrong type, all reported',
      'order.created',
      { ...orderCreated, total: '13.28', currency: 'usd' },
      {},
      [
        { path: 'data.total', message: expect.any(String) },
        { path: 'data.currency', message: 'expected an ISO 4217 currency code such as USD' },
      ],
    ],
    [
      'an unknown event type',
      'order.shipped' as EventType,
      orderCreated,
      {},
      [{ path: 'event', message: 'unknown event type "order.shipped"' }],
    ],
    [
      'data that is not an object',
      'user.updated',
      ['USER-1'],
      {},
      [{ path: 'data', message: expect.any(String) }],
    ],
    [
      'a timestamp without a zone',
      'user.updated',
      sample('user.updated'),
      { timestamp: '2026-03-02T07:15:00' },
      [{ path: 'timestamp', message: expect.any(String) }],
    ],
    [
      'an invalid Date',
      'user.updated',
      sample('user.updated'),
      { timestamp: new Date(Number.NaN) },
      [{ path: 'timestamp', message: expect.any(String) }],
    ],
    [
      'an id with a control character',
      'user.updated',
      sample('user.updated'),
      { id: 'evt_1\nevt_2' },
      [{ path: 'id', message: 'must not contain control characters' }],
    ],
    [
      'data JSON cannot represent',
      'user.updated',
      { ...sample('user.updated'), version: 1n },
      {},
      [{ path: '', message: expect.stringContaining('not serialisable as JSON') }],
    ],
    [
      'an event larger than ingestion accepts',
      'user.updated',
      { ...sample('user.updated'), note: 'x'.repeat(MAX_EVENT_BYTES) },
      {},
      [{ path: '', message: expect.stringContaining(`more than the ${MAX_EVENT_BYTES} allowed`) }],
    ],
  ])('refuses %s without sending anything', async (_case, type, data, options, problems) => {
    const { publisher, sent } = publisherWithFakeKafka();
    const publishing = publisher.publish(type, data as never, options);
    await expect(publishing).rejects.toThrow(EventRejectedError);
    await expect(publishing).rejects.toMatchObject({ problems });
    expect(sent).toEqual([]);
  });

  it('names every problem in the error message', () => {
    const error = new EventRejectedError([
      { path: '', message: 'message is not valid JSON' },
      { path: 'data.total', message: 'Invalid input' },
    ]);
    expect(error.message).toBe('event rejected: message is not valid JSON; data.total: Invalid input');
    expect(error.name).toBe('EventRejectedError');
  });
});

describe('EventPublisher.publishJson', () => {
  // Written as a producer might: integer-like keys out of JavaScript's order, an escape, 1.0, spacing.
  const dataJson =
    '{"product_id": "PROD-CR\\u00c8ME-1L", "warehouse_id": "WH-1", "quantity_available": 3, "threshold": 10,' +
    ' "unit": "units", "detected_at": "2026-03-02T07:15:00Z", "bins": {"10": 1.0, "2": 2.50}}';

  it('sends the data text as it is given, keyed by the aggregate id it holds', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    const published = await publisher.publishJson('inventory.low', dataJson, {
      id: 'evt_inv_1',
      timestamp: '2026-03-02T12:45:00.5+05:30',
    });
    expect(published).toEqual({ id: 'evt_inv_1', topic: 't1.events.inventory', partition: 0, offset: '100' });
    expect(sent).toEqual([
      [
        {
          topic: 't1.events.inventory',
          key: 'PROD-CRÈME-1L',
          value:
            '{"id":"evt_inv_1","event":"inventory.low","timestamp":"2026-03-02T12:45:00.5+05:30",' +
            `"data":${dataJson}}`,
        },
      ],
    ]);
  });

  it('stamps an event without a timestamp with now', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    await publisher.publishJson('inventory.low', dataJson);
    expect(JSON.parse(sent[0][0].value)).toMatchObject({ timestamp: NOW.toISOString() });
  });

  it.each<[string, string, { path: string; message: string }[]]>([
    [
      'data the schema refuses',
      dataJson.replace('"quantity_available": 3', '"quantity_available": "3"'),
      [{ path: 'data.quantity_available', message: expect.any(String) }],
    ],
    [
      'text that is not JSON',
      '{"product_id":',
      [{ path: '', message: expect.stringContaining('not valid JSON') }],
    ],
    [
      'text that adds a field beside data',
      `${dataJson},"source":"pos"`,
      [{ path: 'source', message: 'unknown field' }],
    ],
    [
      'text that adds a second data member',
      `{},"data":${dataJson}`,
      [{ path: 'data', message: 'must be the JSON text of one object' }],
    ],
    [
      'text with whitespace around the object',
      ` ${dataJson}`,
      [{ path: 'data', message: 'must be the JSON text of one object' }],
    ],
  ])('refuses %s without sending anything', async (_case, text, problems) => {
    const { publisher, sent } = publisherWithFakeKafka();
    const publishing = publisher.publishJson('inventory.low', text);
    await expect(publishing).rejects.toThrow(EventRejectedError);
    await expect(publishing).rejects.toMatchObject({ problems });
    expect(sent).toEqual([]);
  });
});

describe('EventPublisher.publishMany', () => {
  const batch: EventToPublish[] = [
    { type: 'order.created', data: sample('order.created'), id: 'evt_a' },
    { type: 'payment.completed', data: sample('payment.completed'), id: 'evt_b' },
    { type: 'order.updated', data: sample('order.updated'), id: 'evt_c', key: 'K' },
  ];

  it('sends the batch in one call and resolves with each event in the order given', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    await expect(publisher.publishMany(batch)).resolves.toEqual([
      { id: 'evt_a', topic: 't1.events.order', partition: 0, offset: '100' },
      { id: 'evt_b', topic: 't1.events.payment', partition: 1, offset: '101' },
      { id: 'evt_c', topic: 't1.events.order', partition: 0, offset: '102' },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].map((record) => record.key)).toEqual(['ORD-2026-004821', 'PAY-550918', 'K']);
  });

  it('stamps events without a timestamp with one time for the whole batch', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    await publisher.publishMany(batch);
    const timestamps = sent[0].map((record) => JSON.parse(record.value).timestamp);
    expect(timestamps).toEqual(Array(3).fill(NOW.toISOString()));
  });

  it('refuses the whole batch when any event is invalid, naming each problem by index', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    const invalid: EventToPublish[] = [
      batch[0],
      { type: 'order.created', data: withoutOrderId as never },
      batch[1],
      { type: 'user.updated', data: sample('user.updated'), timestamp: 'yesterday' },
    ];
    await expect(publisher.publishMany(invalid)).rejects.toMatchObject({
      problems: [
        { path: '[1].data.order_id', message: expect.any(String) },
        { path: '[3].timestamp', message: expect.any(String) },
      ],
    });
    expect(sent).toEqual([]);
  });

  it('resolves an empty batch without calling Kafka', async () => {
    const { publisher, sent } = publisherWithFakeKafka();
    await expect(publisher.publishMany([])).resolves.toEqual([]);
    expect(sent).toEqual([]);
  });
});

it('close releases the transport', async () => {
  const { publisher, transport } = publisherWithFakeKafka();
  await publisher.close();
  expect(transport.close).toHaveBeenCalledTimes(1);
});
