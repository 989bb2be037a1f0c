import { KafkaClient } from '@smart-dairy/kafka';
import { EVENT_CATALOG, EVENT_TYPES, type EventType } from '@smart-dairy/schemas';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { EventPublisher, type PublishedEvent } from './event-publisher';
import type { EventToPublish } from './event-record';
import { EventRejectedError } from './event-rejected-error';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const prefix = `producer-${randomUUID().slice(0, 8)}.`;

const AGGREGATE_ID: Record<EventType, string> = {
  'order.created': 'ORD-2026-004821',
  'order.updated': 'ORD-2026-004821',
  'order.cancelled': 'ORD-2026-004822',
  'order.refunded': 'ORD-2026-004821',
  'payment.completed': 'PAY-550918',
  'payment.failed': 'PAY-550919',
  'payment.refunded': 'PAY-550918',
  'shipment.created': 'SHIP-771204',
  'shipment.updated': 'SHIP-771204',
  'shipment.delivered': 'SHIP-771204',
  'user.registered': 'USER-30581',
  'user.updated': 'USER-30581',
  'inventory.low': 'PROD-BUTTER-SALTED-250G',
  'product.updated': 'PROD-CHEESE-CHEDDAR-200G',
  'system.dead_lettered': 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
  'system.subscription_disabled': 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
  'system.endpoint_failing': 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
};

interface Consumed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: { id: string; event: string; timestamp: string; data: unknown };
}

describe('EventPublisher against the real broker', () => {
  const kafka = new KafkaClient(
    {
      brokers,
      clientId: 'producer-e2e',
      topicPrefix: prefix,
      // Several partitions, so placing each event and numbering its offset is really exercised.
      partitions: { events: 3, deliveries: 1, internal: 1 },
      replicationFactor: 1,
    },
    pino({ level: 'silent' }),
  );
  const publisher = EventPublisher.fromKafka(kafka);

  beforeAll(async () => {
    await kafka.connect();
    await kafka.ensureTopics();
  });
  afterAll(async () => {
    await publisher.close();
    await kafka.disconnect();
  });

  /** Reads the category topics from the start until every id was seen. */
  async function readBack(ids: readonly string[]): Promise<Map<string, Consumed>> {
    const consumer = kafka.consumer({ groupId: `read-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const seen = new Map<string, Consumed>();
    await consumer.connect();
    try {
      const topics = [
        ...new Set(EVENT_TYPES.map((type) => kafka.topic(`events.${EVENT_CATALOG[type].category}`))),
      ];
      await consumer.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`saw ${seen.size} of ${ids.length} events`)), 20_000);
        void consumer.run({
          eachMessage: async ({ topic, partition, message }) => {
            const value = JSON.parse(String(message.value));
            if (ids.includes(value.id)) {
              seen.set(value.id, {
                topic,
                partition,
                offset: message.offset,
                key: String(message.key),
                value,
              });
            }
            if (ids.every((id) => seen.has(id))) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  const whereStored = ({ topic, partition, offset }: PublishedEvent | Consumed) => ({
    topic,
    partition,
    offset,
  });

  it('publishes one event of each type to its category topic with its aggregate id as key', async () => {
    const published: (PublishedEvent & { type: EventType })[] = [];
    for (const type of EVENT_TYPES) {
      published.push({ type, ...(await publisher.publish(type, EVENT_CATALOG[type].sample)) });
    }
    const consumed = await readBack(published.map((event) => event.id));

    expect(published).toHaveLength(EVENT_TYPES.length);
    for (const { type, ...event } of published) {
      const message = consumed.get(event.id);
      expect(event.topic).toBe(`${prefix}events.${EVENT_CATALOG[type].category}`);
      expect(message && whereStored(message)).toEqual(whereStored(event));
      expect(message?.key).toBe(AGGREGATE_ID[type]);
      expect(message?.value).toEqual({
        id: event.id,
        event: type,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        data: EVENT_CATALOG[type].sample,
      });
    }
  });

  it('publishes a batch across topics and partitions, each event acknowledged where it is stored', async () => {
    const batch: EventToPublish[] = Array.from({ length: 24 }, (_, index) =>
      index % 3 === 0
        ? {
            type: 'payment.failed',
            data: { ...EVENT_CATALOG['payment.failed'].sample, payment_id: `PAY-${index}` },
          }
        : {
            type: 'order.updated',
            data: { ...EVENT_CATALOG['order.updated'].sample, order_id: `ORD-${index % 5}` },
          },
    );
    const published = await publisher.publishMany(batch);
    const consumed = await readBack(published.map((event) => event.id));

    expect(new Set(published.map((event) => `${event.topic}/${event.partition}`)).size).toBeGreaterThan(2);
    published.forEach((event, index) => {
      const message = consumed.get(event.id);
      expect(message && whereStored(message)).toEqual(whereStored(event));
      expect(message?.value).toMatchObject({ event: batch[index].type, data: batch[index].data });
    });
  });

  it('puts an event on the partition kafkajs itself picks for its key', async () => {
    const orderIds = Array.from({ length: 8 }, (_, index) => `ORD-PLACE-${index}`);
    for (const orderId of orderIds) {
      const data = { ...EVENT_CATALOG['order.updated'].sample, order_id: orderId };
      const published = await publisher.publish('order.updated', data);
      const [byKafkajs] = await kafka.producer.send({
        topic: published.topic,
        messages: [{ key: orderId, value: JSON.stringify({ by: 'kafkajs' }) }],
      });
      expect({ orderId, partition: published.partition }).toEqual({
        orderId,
        partition: byKafkajs.partition,
      });
    }
  });

  it('sends nothing for a refused event', async () => {
    const key = `USER-${randomUUID()}`;
    const refused = publisher.publish(
      'user.updated',
      { ...EVENT_CATALOG['user.updated'].sample, changed_fields: [] },
      { id: `evt_refused_${key}`, key },
    );
    await expect(refused).rejects.toThrow(EventRejectedError);
    // Same key, same partition: had the refused event been sent, it would be read before this one.
    const accepted = await publisher.publish('user.updated', EVENT_CATALOG['user.updated'].sample, { key });
    const consumer = kafka.consumer({ groupId: `read-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: accepted.topic, fromBeginning: true });
      const keyed = await new Promise<string[]>((resolve) => {
        const ids: string[] = [];
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (String(message.key) !== key) return;
            ids.push(JSON.parse(String(message.value)).id);
            if (ids.includes(accepted.id)) resolve(ids);
          },
        });
      });
      expect(keyed).toEqual([accepted.id]);
    } finally {
      await consumer.disconnect();
    }
  });

  it('connects from brokers, client id and topic prefix, and close disconnects', async () => {
    const own = await EventPublisher.connect({
      brokers,
      clientId: 'producer-e2e-own',
      topicPrefix: prefix,
      logger: pino({ level: 'silent' }),
    });
    const event = await own.publish('inventory.low', EVENT_CATALOG['inventory.low'].sample);
    await own.close();
    expect(event.topic).toBe(`${prefix}events.inventory`);
    const consumed = await readBack([event.id]);
    expect(consumed.get(event.id)?.key).toBe('PROD-BUTTER-SALTED-250G');
    await expect(own.publish('inventory.low', EVENT_CATALOG['inventory.low'].sample)).rejects.toThrow();
  });
});
