import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { SubscriptionDisabler } from '../endpoints/subscription-disabler';

const PURGE_BATCH = 1_000;

/**
 * Periodic housekeeping: disable subscriptions whose every delivery has failed for the
 * configured period (Svix's rule), and purge delivered deliveries (their attempts cascade)
 * past the retention period, in small batches so the table is never locked for long.
 */
@Injectable()
export class MaintenanceJobs implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveriesRepository,
    private readonly disabler: SubscriptionDisabler,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: PeriodicJobs,
  ) {}

  onApplicationBootstrap(): void {
    // Two jobs, not one run of both: each fails, is logged and is waited for at shutdown on its own.
    const schedule = { everyMs: this.settings.config.MAINTENANCE_INTERVAL_MS, unref: true };
    this.jobs.schedule({ name: 'disable-dead-endpoints', run: () => this.disableDeadEndpoints() }, schedule);
    this.jobs.schedule({ name: 'purge-delivered', run: () => this.purgeDelivered() }, schedule);
  }

  async disableDeadEndpoints(now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.settings.config.AUTO_DISABLE_AFTER_MS);
    const failing = await this.prisma.subscription.findMany({
      where: { status: SubscriptionStatus.active, deletedAt: null, failingSince: { lte: cutoff } },
      select: { id: true },
    });
    const days = Math.round(this.settings.config.AUTO_DISABLE_AFTER_MS / 86_400_000);
    return this.disabler.disable(
      failing.map((s) => s.id),
      `every delivery failed for ${days} day(s)`,
    );
  }

  async purgeDelivered(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.settings.config.DELIVERED_RETENTION_MS);
    let purged = 0;
    for (;;) {
      const count = await this.deliveries.purgeDelivered(cutoff, PURGE_BATCH);
      purged += count;
      if (count < PURGE_BATCH) break;
    }
    if (purged > 0) this.logger.info({ purged }, 'purged delivered deliveries past retention');
    return purged;
  }
}
