import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';

/**
 * Disables subscriptions the dispatcher gives up on (410 Gone, failing for days) and announces
 * it on `subscriptions.changes`, where ingestion stops matching them and the DLQ service tells
 * the operators. Their deliveries are kept and wait for the subscription to be enabled again.
 */
@Injectable()
export class SubscriptionDisabler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async disable(subscriptionIds: readonly string[], reason: string): Promise<string[]> {
    if (subscriptionIds.length === 0) return [];
    const now = new Date();
    const disabled: string[] = [];
    for (const id of subscriptionIds) {
      const { count } = await this.prisma.subscription.updateMany({
        where: { id, status: SubscriptionStatus.active },
        data: { status: SubscriptionStatus.disabled, disabledReason: reason, disabledAt: now },
      });
      if (count > 0) disabled.push(id);
    }
    if (disabled.length === 0) return [];
    await this.kafka.producer.send({
      topic: this.kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
      messages: disabled.map((id) => ({
        key: id,
        value: subscriptionChangeCodec.encode({
          subscriptionId: id,
          change: 'disabled',
          at: now.toISOString(),
        }),
      })),
    });
    for (const id of disabled) this.logger.warn({ subscriptionId: id, reason }, 'subscription disabled');
    return disabled;
  }
}
