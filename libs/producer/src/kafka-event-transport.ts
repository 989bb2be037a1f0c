import type { KafkaClient } from '@smart-dairy/kafka';
import type { EventTopic } from '@smart-dairy/schemas';
import { Partitioners, type TopicMessages } from 'kafkajs';
import type { EventRecord } from './event-record';
import type { EventTransport } from './event-transport';
import { recordOffsets, type RecordAck } from './record-offsets';
import { TopicPartitions } from './topic-partitions';

/**
 * Sends through the client's producer (idempotent, all in-sync replicas acknowledge). A batch goes out as
 * one produce request, every message placed by kafkajs's own default partitioner on its key, so the key
 * decides the partition exactly as if kafkajs had chosen it.
 */
export class KafkaEventTransport implements EventTransport {
  private readonly partitions: TopicPartitions;
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(
    private readonly client: KafkaClient,
    /** Whether `close` disconnects the client too, i.e. the transport opened it. */
    private readonly ownsClient: boolean,
  ) {
    this.partitions = new TopicPartitions(client.kafka.admin());
  }

  topicName(topic: EventTopic): string {
    return this.client.topic(topic);
  }

  async send(records: readonly EventRecord[]): Promise<RecordAck[]> {
    const metadata = await this.partitions.of(records.map((record) => record.topic));
    const byTopic = new Map<string, TopicMessages>();
    const placements = records.map(({ topic, key, value, headers }, index) => {
      const message = { key, value, headers };
      const partition = this.partitioner({ topic, partitionMetadata: metadata[index], message });
      const batch = byTopic.get(topic) ?? { topic, messages: [] };
      batch.messages.push({ ...message, partition });
      byTopic.set(topic, batch);
      return { topic, partition };
    });
    const results = await this.client.producer.sendBatch({ acks: -1, topicMessages: [...byTopic.values()] });
    return recordOffsets(placements, results);
  }

  async close(): Promise<void> {
    await this.partitions.close();
    if (this.ownsClient) await this.client.disconnect();
  }
}
