import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  CounterDeltas,
  LOGGER,
  PeriodicJobs,
  scheduleActivitySummary,
  type Logger,
} from '@smart-dairy/service-kit';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from './config';
import { DlqMetrics } from './dlq-metrics';

/**
 * dlq-review's info line every ACTIVITY_SUMMARY_INTERVAL_MS: what happened to entries over the period, from the
 * same counters as /metrics.
 */
@Injectable()
export class DlqSummary implements OnApplicationBootstrap {
  private readonly deltas = new CounterDeltas();

  constructor(
    private readonly metrics: DlqMetrics,
    private readonly jobs: PeriodicJobs,
    @Inject(DLQ_REVIEW_CONFIG) private readonly config: DlqReviewConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    scheduleActivitySummary(this.jobs, this.logger, {
      message: 'dlq-review activity',
      everyMs: this.config.ACTIVITY_SUMMARY_INTERVAL_MS,
      summarize: () => this.summarize(),
    });
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
