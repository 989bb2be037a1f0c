import type { Admin, PartitionMetadata } from 'kafkajs';

/** The part of a kafkajs admin client used here. */
export type MetadataAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicMetadata'>;

/** As long as kafkajs itself keeps metadata (its `metadataMaxAge` default). */
const MAX_AGE_MS = 5 * 60_000;

interface Cached {
  readonly partitions: PartitionMetadata[];
  readonly fetchedAt: number;
}

/**
 * Partition metadata of the topics published to. The publisher places each message on its partition itself
 * (kafkajs does not say where it put which message of a batch); refreshing after `MAX_AGE_MS` picks up
 * partitions added to a topic.
 */
export class TopicPartitions {
  private readonly cache = new Map<string, Cached>();
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly admin: MetadataAdmin,
    private readonly now: () => number = Date.now,
  ) {}

  /** The partitions of each topic, in the order given. */
  async of(topics: readonly string[]): Promise<PartitionMetadata[][]> {
    const stale = [...new Set(topics)].filter((topic) => {
      const cached = this.cache.get(topic);
      return cached === undefined || this.now() - cached.fetchedAt > MAX_AGE_MS;
    });
    if (stale.length > 0) {
      await this.connect();
      const { topics: fetched } = await this.admin.fetchTopicMetadata({ topics: stale });
      const fetchedAt = this.now();
      for (const { name, partitions } of fetched) this.cache.set(name, { partitions, fetchedAt });
    }
    return topics.map((topic) => {
      const cached = this.cache.get(topic);
      if (cached === undefined || cached.partitions.length === 0) {
        throw new Error(`Kafka has no partitions for topic ${topic}`);
      }
      return cached.partitions;
    });
  }

  async close(): Promise<void> {
    if (this.connecting === undefined) return;
    this.connecting = undefined;
    await this.admin.disconnect();
  }

  private connect(): Promise<void> {
    // A failed connection is forgotten so the next publish tries again.
    this.connecting ??= this.admin.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}
