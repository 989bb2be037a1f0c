import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CATEGORY_TOPICS,
  KafkaBatchContext,
  KafkaController,
  type ConsumerOptions,
  type KafkaRecord,
} from '@smart-dairy/kafka';
import { EventBatchProcessor } from './event-batch.processor';
import { IngestionMetrics } from './ingestion-metrics';

export const EVENTS_CONSUMER = 'ingestion';

/**
 * The category topics, in chunks. A chunk counts as read once the processor made it durable; one that
 * fails (Postgres or Kafka away) is handed over again until it succeeds, and processing is idempotent.
 */
@KafkaController()
export class CategoryEventsController {
  constructor(
    private readonly processor: EventBatchProcessor,
    private readonly metrics: IngestionMetrics,
  ) {}

  @EventPattern(EVENTS_CONSUMER, { topics: Object.values(CATEGORY_TOPICS) } satisfies ConsumerOptions)
  async take(@Payload() records: KafkaRecord[], @Ctx() context: KafkaBatchContext): Promise<void> {
    await this.processor.process(records);
    this.metrics.lag.set({ topic: context.topic, partition: context.partition }, context.offsetLag);
  }
}
