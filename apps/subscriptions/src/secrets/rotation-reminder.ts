import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService, type Prisma } from '@smart-dairy/db';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { Gauge, Registry } from 'prom-client';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import { RotationPolicy } from './rotation-policy';

const LISTED_IDS = 100;

/**
 * The scheduled half of the 90-day rotation (docs/protocol.md#secret-rotation): the API marks each due
 * subscription with `secret_rotation_due` when it is read; this job periodically counts them for the
 * `subscriptions_secret_rotation_due` gauge and logs which ones they are, so that operators
 * are reminded even when nobody reads them.
 */
@Injectable()
export class RotationReminder implements OnApplicationBootstrap {
  private readonly due: Gauge;

  constructor(
    private readonly prisma: PrismaService,
    private readonly rotation: RotationPolicy,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
    private readonly jobs: PeriodicJobs,
  ) {
    this.due = new Gauge({
      name: 'subscriptions_secret_rotation_due',
      help: 'Subscriptions whose signing secret is older than the rotation period',
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    const everyMs = this.config.SECRET_REMINDER_INTERVAL_MS;
    if (everyMs === 0) return;
    const job = { name: 'secret-rotation-reminder', run: () => this.remind() };
    // Not awaited: the API need not wait for a reminder.
    void this.jobs.runNow(job);
    this.jobs.schedule(job, { everyMs, unref: true });
  }

  async remind(): Promise<void> {
    const cutoff = this.rotation.dueBefore(new Date());
    const where: Prisma.SubscriptionWhereInput = {
      deletedAt: null,
      OR: [{ secretRotatedAt: { lte: cutoff } }, { secretRotatedAt: null, secretCreatedAt: { lte: cutoff } }],
    };
    // One query after the other, not Promise.all: a run ends only once both have, so none is left
    // running when the service disconnects from Postgres at shutdown.
    const count = await this.prisma.subscription.count({ where });
    this.due.set(count);
    if (count > 0) {
      const listed = await this.prisma.subscription.findMany({
        where,
        select: { id: true },
        orderBy: { id: 'asc' },
        take: LISTED_IDS,
      });
      this.logger.warn(
        {
          count,
          subscriptions: listed.map((s) => s.id),
          periodDays: this.config.SECRET_ROTATION_PERIOD_DAYS,
        },
        'signing secrets due for rotation: POST /v1/subscriptions/{id}/rotate-secret',
      );
    }
  }
}
