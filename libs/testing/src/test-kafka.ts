import { KafkaClient, type TopicName } from '@smart-dairy/kafka';
import { ConfigResourceTypes } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { TEST_SECRET_ENCRYPTION_KEYS } from './test-keys';

/** A topic prefix of its own, so a suite never sees another suite's messages. */
export function uniquePrefix(label: string): string {
  return `${label}${randomUUID().slice(0, 8)}.`;
}

export const TEST_PARTITIONS = { events: 2, deliveries: 2, internal: 1 };

/** A connected client on the test broker, by default with the whole topic layout under the prefix. */
export async function connectTestKafka(prefix: string, { createTopics = true } = {}): Promise<KafkaClient> {
  const kafka = new KafkaClient(
    {
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: `test-${prefix}`,
      topicPrefix: prefix,
      partitions: TEST_PARTITIONS,
      replicationFactor: 1,
    },
    pino({ level: 'silent' }),
  );
  await kafka.connect();
  if (createTopics) await kafka.ensureTopics();
  return kafka;
}

/** Lowers a topic's `max.message.bytes`, so that a test can have the broker refuse messages as too large. */
export async function limitMessageBytes(kafka: KafkaClient, topic: TopicName, bytes: number): Promise<void> {
  const admin = kafka.kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: kafka.topic(topic),
          configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The environment a spawned service needs to share the suite's topics, test database and key ring.
 * Test mode is asked for explicitly: without NODE_ENV a service applies production rules.
 */
export function serviceEnv(prefix: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    SECRET_ENCRYPTION_KEYS: TEST_SECRET_ENCRYPTION_KEYS,
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_EVENT_PARTITIONS: String(TEST_PARTITIONS.events),
    KAFKA_DELIVERY_PARTITIONS: String(TEST_PARTITIONS.deliveries),
    KAFKA_INTERNAL_PARTITIONS: String(TEST_PARTITIONS.internal),
    // Several stacks share the test server's 100 connections.
    DATABASE_POOL_SIZE: '4',
    ...extra,
  };
}
