import { KafkaJSNonRetriableError } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { KafkaClient } from './kafka-client';
import { topicLayout } from './topics';

const partitions = { events: 2, deliveries: 3, internal: 1 };

function client(prefix: string): KafkaClient {
  return new KafkaClient(
    {
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: 'kafka-client-e2e',
      topicPrefix: prefix,
      partitions,
      replicationFactor: 1,
    },
    pino({ level: 'silent' }),
  );
}

describe('KafkaClient against the real broker', () => {
  const prefix = `t${randomUUID().slice(0, 8)}.`;
  const kafka = client(prefix);

  beforeAll(() => kafka.connect());
  afterAll(() => kafka.disconnect());

  it('creates the whole topic layout with the configured partition counts, and only once', async () => {
    const created = await kafka.ensureTopics();
    const expected = topicLayout(prefix, partitions);
    expect(created.sort()).toEqual(expected.map((t) => t.name).sort());

    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: expected.map((t) => t.name) });
      for (const spec of expected) {
        expect(topics.find((t) => t.name === spec.name)?.partitions).toHaveLength(spec.partitions);
      }
    } finally {
      await admin.disconnect();
    }

    // A second start-up (or another service starting at the same time) creates nothing.
    await expect(kafka.ensureTopics()).resolves.toEqual([]);
    const concurrent = client(prefix);
    await concurrent.connect();
    await expect(concurrent.ensureTopics()).resolves.toEqual([]);
    await concurrent.disconnect();
  });

  it('round-trips a keyed message through a consumer group with kafkajs', async () => {
    await kafka.ensureTopics();
    const topic = kafka.topic('events.order');
    const consumer = kafka.consumer({ groupId: `roundtrip-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<{ key: string; value: string; headers: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) =>
          resolve({
            key: String(message.key),
            value: String(message.value),
            headers: String(message.headers?.['x-test']),
          }),
      });
    });
    const value = JSON.stringify({ event: 'order.created', id: randomUUID() });
    await kafka.producer.send({
      topic,
      messages: [{ key: 'ORD-1', value, headers: { 'x-test': 'yes' } }],
    });
    await expect(received).resolves.toEqual({ key: 'ORD-1', value, headers: 'yes' });
    await consumer.disconnect();
  });

  it('starts a consumer again after kafkajs stopped it for good, and it reads on', async () => {
    await kafka.ensureTopics();
    const topic = kafka.topic('events.user');
    const consumer = kafka.consumer({ groupId: `fatal-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const crashes: boolean[] = [];
    consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let calls = 0;
    const received = new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          calls++;
          // A non-retriable error is one kafkajs does not restart the consumer after.
          if (calls === 1) throw new KafkaJSNonRetriableError('fatal for the test');
          resolve(String(message.value));
        },
      });
    });
    await kafka.producer.send({ topic, messages: [{ key: 'U-1', value: 'after the crash' }] });
    await expect(received).resolves.toBe('after the crash');
    expect(crashes).toEqual([false]);
    await consumer.disconnect();
  });

  it('reports readiness through a metadata round trip', async () => {
    await expect(kafka.check()).resolves.toBeUndefined();
    const unreachable = new KafkaClient(
      { ...kafka.settings, brokers: ['127.0.0.1:1'] },
      pino({ level: 'silent' }),
    );
    await expect(unreachable.check()).rejects.toThrow();
  });
});
