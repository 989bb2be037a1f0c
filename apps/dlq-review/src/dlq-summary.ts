import { Inject, Injectable } from '@nestjs/common';
import { ActivitySummaryJob, LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from './config';
import { DlqMetrics } from './dlq-metrics';

/**
 * dlq-review's info line every ACTIVITY_SUMMARY_INTERVAL_MS: what happened to entries over the period, from the
 * same counters as /metrics.
 */
@Injectable()
export class DlqSummary extends ActivitySummaryJob {
  constructor(
    private readonly metrics: DlqMetrics,
    jobs: PeriodicJobs,
    @Inject(DLQ_REVIEW_CONFIG) config: DlqReviewConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(jobs, logger, 'dlq-review activity', config.ACTIVITY_SUMMARY_INTERVAL_MS);
  }

  async summarize(): Promise<Record<string, number>> {
    const { deadLetters, resolved, actions, notifications, unreadable } = this.metrics;
    return {
      deadLetters: await this.deltas.increase(deadLetters),
      resolved: await this.deltas.increase(resolved),
      replayed: await this.deltas.increase(actions, { action: 'replay' }),
      archived: await this.deltas.increase(actions, { action: 'archive' }),
      notifications: await this.deltas.increase(notifications),
      unreadable: await this.deltas.increase(unreadable),
    };
  }
}
