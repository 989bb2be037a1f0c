import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { Consumer } from 'kafkajs';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { SubscriptionIndex, type IndexedSubscription } from './subscription-index';

const columns = { id: true, events: true, status: true, deletedAt: true } as const;

/**
 * Keeps the subscription index current: a full load at start, every announcement on
 * `subscriptions.changes` as it happens, and a periodic full reload as a safety net.
 */
@Injectable()
export class SubscriptionView implements OnModuleDestroy {
  private readonly index = new SubscriptionIndex();
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  match(eventType: string): readonly string[] {
    return this.index.match(eventType);
  }

  async start(): Promise<void> {
    // Every replica must see every announcement.
    const consumer = this.kafka.replicaConsumer('ingestion-subscriptions', { maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.kafka.topic(INTERNAL_TOPICS.subscriptionChanges) });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const change = subscriptionChangeCodec.decode(message.value);
        if (!change.ok) {
          this.logger.error({ error: change.error }, 'unreadable subscription change; doing a full reload');
          await this.reloadAll();
          return;
        }
        await this.reloadOne(change.value.subscriptionId);
      },
    });
    await joined;
    // Loaded after joining, so a change announced during start-up is either in the load or consumed.
    await this.reloadAll();
    this.timer = setInterval(() => {
      this.reloadAll().catch((error: unknown) =>
        this.logger.error({ err: error }, 'subscription reload failed'),
      );
    }, this.config.SUBSCRIPTION_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.disconnect();
  }

  private async reloadAll(): Promise<void> {
    const rows = await this.prisma.subscription.findMany({ where: { deletedAt: null }, select: columns });
    this.index.replaceAll(rows.map(toIndexed));
    this.logger.debug({ subscriptions: rows.length }, 'subscription index reloaded');
  }

  private async reloadOne(subscriptionId: string): Promise<void> {
    const row = await this.prisma.subscription.findUnique({ where: { id: subscriptionId }, select: columns });
    if (!row || row.deletedAt) this.index.remove(subscriptionId);
    else this.index.upsert(toIndexed(row));
  }
}

function toIndexed(row: { id: string; events: string[]; status: SubscriptionStatus }): IndexedSubscription {
  return { id: row.id, events: row.events, active: row.status === SubscriptionStatus.active };
}
