import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks } from '@smart-dairy/messages';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import { pendingLeaseEnd } from '../deliveries/pending-lease';
import { BacklogStore, DISCARDED_BECAUSE, type DueBacklog } from './backlog-store';
import { inSubscriptionTurn } from './subscription-turn';

/**
 * Sends the backlog of each enabled subscription (its `waiting` deliveries, made while it was disabled)
 * in order of arrival, in batches of REDELIVERY_BATCH_SIZE, and discards that of each deleted one. An
 * enable or delete marks the backlog due and wakes this job; the mark stays until the backlog is settled,
 * so one that a crash or an outage interrupted is taken up again by a later run (at start, and every
 * BACKLOG_RELEASE_INTERVAL_MS).
 */
@Injectable()
export class BacklogRelease implements OnApplicationBootstrap {
  private readonly job = { name: 'backlog-release', run: () => this.runUntilQuiet() };
  /** An enable or delete since the current run listed the due backlogs. */
  private woken = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    private readonly store: BacklogStore,
    private readonly jobs: PeriodicJobs,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.jobs.runNow(this.job);
    const everyMs = this.config.BACKLOG_RELEASE_INTERVAL_MS;
    if (everyMs > 0) this.jobs.schedule(this.job, { everyMs, unref: true });
  }

  /** Settles the due backlogs now; a run in progress goes round once more. */
  wake(): void {
    this.woken = true;
    void this.jobs.runNow(this.job);
  }

  private async runUntilQuiet(): Promise<void> {
    do {
      this.woken = false;
      for (const backlog of await this.store.dueBacklogs()) await this.settle(backlog);
    } while (this.woken);
  }

  private async settle(backlog: DueBacklog): Promise<void> {
    const subscriptionId = backlog.id;
    if (backlog.deletedAt !== null) {
      const discarded = await this.store.discardInBatches(subscriptionId, DISCARDED_BECAUSE.deleted);
      if (discarded > 0)
        this.logger.info({ subscriptionId, discarded }, 'backlog of a deleted subscription discarded');
    } else if (backlog.status === SubscriptionStatus.active) {
      const released = await this.releaseAll(subscriptionId);
      if (released > 0) this.logger.info({ subscriptionId, released }, 'backlog released');
    }
    // Disabled again meanwhile: what waits stays for the next enable, which marks it due again.
    await this.store.settled(backlog);
  }

  private async releaseAll(subscriptionId: string): Promise<number> {
    const batchSize = this.config.REDELIVERY_BATCH_SIZE;
    let released = 0;
    for (;;) {
      const count = await inSubscriptionTurn(this.prisma, subscriptionId, async () => {
        const tasks = await this.store.release(subscriptionId, batchSize, pendingLeaseEnd(this.config));
        await publishDeliveryTasks(this.kafka, tasks);
        return tasks.length;
      });
      released += count;
      if (count < batchSize) return released;
    }
  }
}
