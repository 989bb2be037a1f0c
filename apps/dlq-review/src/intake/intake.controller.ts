import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KafkaController, type ConsumerOptions, type KafkaRecord } from '@smart-dairy/kafka';
import {
  deadLetterCodec,
  deliveryOutcomeCodec,
  subscriptionChangeCodec,
  type Codec,
} from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DlqMetrics } from '../dlq-metrics';
import { DeadLetterIntake } from './dead-letter-intake';
import { OutcomeFollower } from './outcome-follower';
import { SubscriptionChangeFollower } from './subscription-change-follower';

/**
 * The three topics this service follows, one consumer group each, shared by the replicas: every
 * message is handled, and every notification emitted, by one of them. A receiver that throws is given
 * its chunk again until it succeeds: every receiver is idempotent.
 */
@KafkaController()
export class IntakeController {
  constructor(
    private readonly deadLetters: DeadLetterIntake,
    private readonly outcomes: OutcomeFollower,
    private readonly subscriptionChanges: SubscriptionChangeFollower,
    private readonly metrics: DlqMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern('dlq-review', { topics: [INTERNAL_TOPICS.deadLetter] } satisfies ConsumerOptions)
  takeDeadLetters(@Payload() records: KafkaRecord[]): Promise<void> {
    return this.deadLetters.receive(this.readable(records, deadLetterCodec));
  }

  @EventPattern('dlq-review-outcomes', { topics: [INTERNAL_TOPICS.outcomes] } satisfies ConsumerOptions)
  takeOutcomes(@Payload() records: KafkaRecord[]): Promise<void> {
    return this.outcomes.receive(this.readable(records, deliveryOutcomeCodec));
  }

  @EventPattern('dlq-review-subscriptions', {
    topics: [INTERNAL_TOPICS.subscriptionChanges],
  } satisfies ConsumerOptions)
  takeSubscriptionChanges(@Payload() records: KafkaRecord[]): Promise<void> {
    return this.subscriptionChanges.receive(this.readable(records, subscriptionChangeCodec));
  }

  /** Nothing can make an unreadable message readable later: holding the partition for it would not help. */
  private readable<T>(records: readonly KafkaRecord[], codec: Codec<T>): T[] {
    const values: T[] = [];
    for (const record of records) {
      const decoded = codec.decode(record.value);
      if (decoded.ok) {
        values.push(decoded.value);
        continue;
      }
      this.metrics.unreadable.inc({ topic: record.topic });
      this.logger.error(
        { topic: record.topic, partition: record.partition, offset: record.offset, error: decoded.error },
        'unreadable message skipped',
      );
    }
    return values;
  }
}
