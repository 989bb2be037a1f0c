import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { KeyOrdering } from './key-ordering';
import { OrderingMetrics } from './ordering-metrics';

const RELEASE_BATCH = 1_000;

/**
 * Crash recovery and visibility of ordered delivery, on every replica: waiting deliveries whose turn came
 * while their release was lost (the process died between ending the one ahead and publishing their tasks)
 * are released, and what each ordered subscription holds back is shown as metrics.
 */
@Injectable()
export class OrderingSweeper implements OnApplicationBootstrap {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly ordering: KeyOrdering,
    private readonly metrics: OrderingMetrics,
    private readonly jobs: PeriodicJobs,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = { everyMs: this.settings.config.ORDERING_SWEEP_INTERVAL_MS, unref: true };
    this.jobs.schedule({ name: 'release-missed-turns', run: () => this.releaseMissed() }, schedule);
    this.jobs.schedule({ name: 'ordering-metrics', run: () => this.showHeldBack() }, schedule);
  }

  /**
   * Releases what waits for deliveries that ended at least one sweep interval ago (or are gone): a release
   * normally follows within milliseconds, so these were lost. Returns how many deliveries went.
   */
  async releaseMissed(): Promise<number> {
    const graceMs = this.settings.config.ORDERING_SWEEP_INTERVAL_MS;
    let released = 0;
    for (;;) {
      const ended = await this.deliveries.missedReleases(graceMs, RELEASE_BATCH);
      released += await this.ordering.release(ended);
      if (ended.length < RELEASE_BATCH) break;
    }
    if (released > 0) {
      this.metrics.missedReleases.inc(released);
      this.logger.warn({ released }, 'released deliveries whose turn had come: their release was lost');
    }
    return released;
  }

  async showHeldBack(): Promise<void> {
    this.metrics.show(await this.deliveries.heldBack(), new Date());
  }
}
