import { Inject, Injectable } from '@nestjs/common';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { subscriptionChangeCodec, type SubscriptionChange } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';

/** Tells ingestion (and anyone else following `subscriptions.changes`) that a subscription changed. */
@Injectable()
export class ChangeAnnouncer {
  constructor(
    private readonly kafka: KafkaClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Called after the change is committed. A failed announcement is logged, not thrown: the change
   * stands, and followers pick it up at their next full reload, whereas an error answer would
   * invite the client to repeat a change that was made.
   */
  async announce(subscriptionId: string, change: SubscriptionChange['change']): Promise<void> {
    try {
      await this.kafka.producer.send({
        topic: this.kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
        messages: [
          {
            key: subscriptionId,
            value: subscriptionChangeCodec.encode({ subscriptionId, change, at: new Date().toISOString() }),
          },
        ],
      });
    } catch (error) {
      this.logger.error(
        { err: error, subscriptionId, change },
        'subscription change not announced; followers will see it at their next full reload',
      );
    }
  }
}
