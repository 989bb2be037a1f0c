import { Inject, Injectable } from '@nestjs/common';
import { GAUGE_COUNT_LIMIT, PeriodicJobs, RefreshedGauges } from '@smart-dairy/service-kit';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from '../config';
import { DlqMetrics } from '../dlq-metrics';
import { EntryQueries } from './entry-queries';

/** The size of the dead letter queue by review status. Every replica refreshes the same values: aggregate with `max`. */
@Injectable()
export class EntryGauges extends RefreshedGauges {
  constructor(
    private readonly queries: EntryQueries,
    private readonly metrics: DlqMetrics,
    jobs: PeriodicJobs,
    @Inject(DLQ_REVIEW_CONFIG) config: DlqReviewConfig,
  ) {
    super(jobs, 'entry-gauges', config.METRICS_REFRESH_INTERVAL_MS);
  }

  async refresh(): Promise<void> {
    for (const { status, count } of await this.queries.statusCounts(GAUGE_COUNT_LIMIT)) {
      this.metrics.entries.set({ status }, count);
    }
  }
}
