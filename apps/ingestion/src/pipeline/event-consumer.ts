import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CATEGORY_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import type { Consumer } from 'kafkajs';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { SubscriptionView } from '../subscriptions/subscription-view';
import { EventBatchProcessor } from './event-batch.processor';
import { IngestionMetrics } from './ingestion-metrics';

/**
 * Reads every category topic in batches. A chunk's offsets are resolved only after the
 * processor made it durable, and kafkajs commits resolved offsets; a failure leaves them
 * uncommitted, so the chunk is read again (and handled idempotently).
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
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(start, start + chunkSize);
          const last = chunk[chunk.length - 1];
          if (!last) return;
          await this.processor.process(
            chunk.map((m) => ({ ...m, topic: batch.topic, partition: batch.partition })),
          );
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
