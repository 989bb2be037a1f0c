import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService, type Prisma } from '@smart-dairy/db';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
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
export class RotationReminder implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private readonly due: Gauge;

  constructor(
    private readonly prisma: PrismaService,
    private readonly rotation: RotationPolicy,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.due = new Gauge({
      name: 'subscriptions_secret_rotation_due',
      help: 'Subscriptions whose signing secret is older than the rotation period',
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    const interval = this.config.SECRET_REMINDER_INTERVAL_MS;
    if (interval === 0) return;
    void this.remind();
    this.timer = setInterval(() => void this.remind(), interval);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Never throws: a failed run is logged and the next one tries again. */
  async remind(): Promise<void> {
    try {
      const cutoff = this.rotation.dueBefore(new Date());
      const where: Prisma.SubscriptionWhereInput = {
        deletedAt: null,
        OR: [
          { secretRotatedAt: { lte: cutoff } },
          { secretRotatedAt: null, secretCreatedAt: { lte: cutoff } },
        ],
      };
      const [count, listed] = await Promise.all([
        this.prisma.subscription.count({ where }),
        this.prisma.subscription.findMany({
          where,
          select: { id: true },
          orderBy: { id: 'asc' },
          take: LISTED_IDS,
        }),
      ]);
      this.due.set(count);
      if (count > 0) {
        this.logger.warn(
          {
            count,
            subscriptions: listed.map((s) => s.id),
            periodDays: this.config.SECRET_ROTATION_PERIOD_DAYS,
          },
          'signing secrets due for rotation: POST /v1/subscriptions/{id}/rotate-secret',
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'secret rotation reminder failed');
    }
  }
}
