import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { INTERNAL_TOPICS, KafkaClient, retryBatch, type InternalTopic } from '@smart-dairy/kafka';
import {
  deadLetterCodec,
  deliveryOutcomeCodec,
  subscriptionChangeCodec,
  type Codec,
} from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { Consumer } from 'kafkajs';
import { DlqMetrics } from '../dlq-metrics';
import { DeadLetterIntake } from './dead-letter-intake';
import { OutcomeFollower } from './outcome-follower';
import { SubscriptionChangeFollower } from './subscription-change-follower';

/** Messages handed to a receiver at once; their offsets are resolved only after it returned. */
const CHUNK_SIZE = 500;

/**
 * The three topics this service follows, one consumer group each (shared by the replicas, so every
 * message is handled, and every notification emitted, by one of them). A receiver that throws is given
 * its chunk again until it succeeds: every receiver is idempotent.
 */
@Injectable()
export class TopicFollowers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: Consumer[] = [];

  constructor(
    private readonly kafka: KafkaClient,
    private readonly deadLetters: DeadLetterIntake,
    private readonly outcomes: OutcomeFollower,
    private readonly subscriptionChanges: SubscriptionChangeFollower,
    private readonly metrics: DlqMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([
      this.follow('dlq-review', INTERNAL_TOPICS.deadLetter, deadLetterCodec, (letters) =>
        this.deadLetters.receive(letters),
      ),
      this.follow('dlq-review-outcomes', INTERNAL_TOPICS.outcomes, deliveryOutcomeCodec, (outcomes) =>
        this.outcomes.receive(outcomes),
      ),
      this.follow(
        'dlq-review-subscriptions',
        INTERNAL_TOPICS.subscriptionChanges,
        subscriptionChangeCodec,
        (changes) => this.subscriptionChanges.receive(changes),
      ),
    ]);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
  }

  private async follow<T>(
    groupId: string,
    topic: InternalTopic,
    codec: Codec<T>,
    receive: (values: T[]) => Promise<void>,
  ): Promise<void> {
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    await consumer.connect();
    // From the beginning: a group's first start must not skip what was published before it.
    await consumer.subscribe({ topic: this.kafka.topic(topic), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let start = 0; start < batch.messages.length; start += CHUNK_SIZE) {
          const chunk = batch.messages.slice(start, start + CHUNK_SIZE);
          const first = chunk[0];
          const last = chunk.at(-1);
          if (!first || !last) return;
          const values: T[] = [];
          for (const message of chunk) {
            const decoded = codec.decode(message.value);
            if (decoded.ok) {
              values.push(decoded.value);
              continue;
            }
            // Nothing can make such a message readable later; holding the partition for it would not help.
            this.metrics.unreadable.inc({ topic });
            this.logger.error(
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                error: decoded.error,
              },
              'unreadable message skipped',
            );
          }
          const done = await retryBatch({ isRunning, isStale, heartbeat }, () => receive(values), {
            logger: this.logger,
            context: { topic: batch.topic, partition: batch.partition, from: first.offset, to: last.offset },
          });
          if (!done) return;
          resolveOffset(last.offset);
          await heartbeat();
        }
      },
    });
  }
}
