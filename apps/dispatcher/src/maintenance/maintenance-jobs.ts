import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { PeriodicJobs } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { SubscriptionDisabler } from '../endpoints/subscription-disabler';

/**
 * Periodic housekeeping: disable subscriptions whose every delivery has failed for the
 * configured period (Svix's rule). Retention is `retention/delivery-retention.ts`.
 */
@Injectable()
export class MaintenanceJobs implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly disabler: SubscriptionDisabler,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    private readonly jobs: PeriodicJobs,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = { everyMs: this.settings.config.MAINTENANCE_INTERVAL_MS, unref: true };
    this.jobs.schedule({ name: 'disable-dead-endpoints', run: () => this.disableDeadEndpoints() }, schedule);
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
}
