import { Inject, Injectable } from '@nestjs/common';
import { ActivitySummaryJob, LOGGER, PeriodicJobs, metricTotal, type Logger } from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { IngestionMetrics } from './ingestion-metrics';

/**
 * Ingestion's info line every ACTIVITY_SUMMARY_INTERVAL_MS: what the period's messages became, from the same
 * counters as /metrics, and how far the category topics are behind.
 */
@Injectable()
export class IngestionSummary extends ActivitySummaryJob {
  constructor(
    private readonly metrics: IngestionMetrics,
    jobs: PeriodicJobs,
    @Inject(INGESTION_CONFIG) config: IngestionConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(jobs, logger, 'ingestion activity', config.ACTIVITY_SUMMARY_INTERVAL_MS);
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
