import type { KafkaClient, TopicName } from '@smart-dairy/kafka';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** Collects every message of some topics from the beginning, for assertions. */
export class TopicReader {
  readonly messages: (KafkaMessage & { topic: string; partition: number })[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topics: TopicName[],
  ) {}

  async start(): Promise<this> {
    const consumer = this.kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics.map((t) => this.kafka.topic(t)), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.messages.push({ ...message, topic: batch.topic, partition: batch.partition });
        }
      },
    });
    return this;
  }

  values<T>(decode: (value: Buffer) => T): T[] {
    return this.messages.map((m) => decode(m.value ?? Buffer.alloc(0)));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
