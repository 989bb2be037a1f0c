import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CATEGORY_TOPICS, KafkaClient, retryBatch } from '@smart-dairy/kafka';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { Consumer } from 'kafkajs';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { SubscriptionView } from '../subscriptions/subscription-view';
import { EventBatchProcessor } from './event-batch.processor';
import { IngestionMetrics } from './ingestion-metrics';

/**
 * Reads every category topic in batches. A chunk's offsets are resolved only after the
 * processor made it durable, and kafkajs commits resolved offsets. A chunk that fails (Postgres or
 * Kafka away) is tried again until it succeeds (idempotently), or until the partition is no longer
 * this replica's, in which case it stays uncommitted for the next owner.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly subscriptions: SubscriptionView,
    private readonly processor: EventBatchProcessor,
    private readonly metrics: IngestionMetrics,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.subscriptions.start();
    const consumer = this.kafka.consumer({ groupId: 'ingestion', maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: Object.values(CATEGORY_TOPICS).map((t) => this.kafka.topic(t)),
      fromBeginning: true,
    });
    const chunkSize = this.config.INGESTION_CHUNK_SIZE;
    await consumer.run({
      partitionsConsumedConcurrently: this.config.INGESTION_PARTITIONS_CONCURRENTLY,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let start = 0; start < batch.messages.length; start += chunkSize) {
          const chunk = batch.messages.slice(start, start + chunkSize);
          const first = chunk[0];
          const last = chunk[chunk.length - 1];
          if (!first || !last) return;
          const messages = chunk.map((m) => ({ ...m, topic: batch.topic, partition: batch.partition }));
          const done = await retryBatch(
            { isRunning, isStale, heartbeat },
            () => this.processor.process(messages),
            {
              logger: this.logger,
              context: {
                topic: batch.topic,
                partition: batch.partition,
                from: first.offset,
                to: last.offset,
              },
            },
          );
          if (!done) return;
          resolveOffset(last.offset);
          await heartbeat();
        }
        this.metrics.lag.set({ topic: batch.topic, partition: batch.partition }, Number(batch.offsetLag()));
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
