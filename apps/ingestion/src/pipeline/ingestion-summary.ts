import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  CounterDeltas,
  LOGGER,
  PeriodicJobs,
  metricTotal,
  scheduleActivitySummary,
  type Logger,
} from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { IngestionMetrics } from './ingestion-metrics';

/**
 * Ingestion's info line every ACTIVITY_SUMMARY_INTERVAL_MS: what the period's messages became, from the same
 * counters as /metrics, and how far the category topics are behind.
 */
@Injectable()
export class IngestionSummary implements OnApplicationBootstrap {
  private readonly deltas = new CounterDeltas();

  constructor(
    private readonly metrics: IngestionMetrics,
    private readonly jobs: PeriodicJobs,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    scheduleActivitySummary(this.jobs, this.logger, {
      message: 'ingestion activity',
      everyMs: this.config.ACTIVITY_SUMMARY_INTERVAL_MS,
      summarize: () => this.summarize(),
    });
  }

  async summarize(): Promise<Record<string, number>> {
    const { consumed, accepted, quarantined, deduplicated, deliveriesCreated, lag } = this.metrics;
    return {
      consumed: await this.deltas.increase(consumed),
      accepted: await this.deltas.increase(accepted),
      quarantined: await this.deltas.increase(quarantined),
      deduplicated: await this.deltas.increase(deduplicated),
      deliveriesCreated: await this.deltas.increase(deliveriesCreated),
      lag: await metricTotal(lag),
    };
  }
}
