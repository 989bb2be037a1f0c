import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { LOGGER, PeriodicJobs, type Logger, type SubscriptionChangeListener } from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { SubscriptionIndex, type IndexedSubscription } from './subscription-index';

const columns = { id: true, events: true, deletedAt: true } as const;

/**
 * Keeps the subscription index current: a full load before events are read, every announcement on
 * `subscriptions.changes` as it happens, and a periodic full reload as a safety net.
 */
@Injectable()
export class SubscriptionView implements SubscriptionChangeListener, OnApplicationBootstrap {
  private readonly index = new SubscriptionIndex();

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: PeriodicJobs,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  match(eventType: string): readonly string[] {
    return this.index.match(eventType);
  }

  /** Before the consumers start (the transport starts them after the bootstrap hooks). */
  async onApplicationBootstrap(): Promise<void> {
    await this.reloadAll();
    this.jobs.schedule(
      { name: 'subscription-reload', run: () => this.reloadAll() },
      { everyMs: this.config.SUBSCRIPTION_REFRESH_INTERVAL_MS, unref: true },
    );
  }

  subscriptionChanged(subscriptionId: string): Promise<void> {
    return this.reloadOne(subscriptionId);
  }

  everythingChanged(): Promise<void> {
    return this.reloadAll();
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

function toIndexed(row: { id: string; events: string[] }): IndexedSubscription {
  return { id: row.id, events: row.events };
}
