import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService, type Prisma } from '@smart-dairy/db';
import type { EventPredicate, FilterableEvent } from '@smart-dairy/payload-filter';
import { LOGGER, PeriodicJobs, type Logger, type SubscriptionChangeListener } from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { CompiledFilters } from './compiled-filters';
import { SubscriptionIndex, type IndexedSubscription } from './subscription-index';

const columns = { id: true, events: true, filter: true, deletedAt: true } as const;

interface SubscriptionRow {
  id: string;
  events: string[];
  filter: Prisma.JsonValue | null;
}

const MATCHES_NOTHING: EventPredicate = () => false;

/**
 * Keeps the subscription index current: a full load before events are read, every announcement on
 * `subscriptions.changes` as it happens, and a periodic full reload as a safety net.
 */
@Injectable()
export class SubscriptionView implements SubscriptionChangeListener, OnApplicationBootstrap {
  private readonly index = new SubscriptionIndex();
  private readonly filters = new CompiledFilters();

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: PeriodicJobs,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  match(event: FilterableEvent): readonly string[] {
    return this.index.match(event);
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
    this.filters.startFullReload();
    this.index.replaceAll(rows.map((row) => this.toIndexed(row)));
    this.logger.debug({ subscriptions: rows.length }, 'subscription index reloaded');
  }

  private async reloadOne(subscriptionId: string): Promise<void> {
    const row = await this.prisma.subscription.findUnique({ where: { id: subscriptionId }, select: columns });
    if (!row || row.deletedAt) this.index.remove(subscriptionId);
    else this.index.upsert(this.toIndexed(row));
  }

  private toIndexed(row: SubscriptionRow): IndexedSubscription {
    return {
      id: row.id,
      events: row.events,
      filter: row.filter === null ? null : this.compiledFilter(row.id, row.filter),
    };
  }

  /**
   * The API stores valid filters only; one that does not compile (written around it) lets nothing through
   * rather than everything, which could send a partner events it chose not to receive.
   */
  private compiledFilter(subscriptionId: string, stored: Prisma.JsonValue): EventPredicate {
    const compilation = this.filters.compile(stored);
    if (compilation.ok) return compilation.filter.matches;
    this.logger.error(
      { subscriptionId, problems: compilation.problems },
      'invalid payload filter stored: the subscription receives no events until it is replaced',
    );
    return MATCHES_NOTHING;
  }
}
