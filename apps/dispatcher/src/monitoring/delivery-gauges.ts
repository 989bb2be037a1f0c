import { Inject, Injectable } from '@nestjs/common';
import { GAUGE_COUNT_LIMIT, PeriodicJobs, RefreshedGauges } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { EndpointBreakers } from '../endpoints/endpoint-breakers';

/**
 * The dispatcher's gauges that need Postgres: backlog age per subscription and overall, and the retry queue by
 * due time. Each refresh also learns which subscriptions still exist, and drops the series and breakers of
 * deleted ones. Every replica refreshes the same values: aggregate them with `max`.
 */
@Injectable()
export class DeliveryGauges extends RefreshedGauges {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly breakers: EndpointBreakers,
    private readonly metrics: DispatcherMetrics,
    jobs: PeriodicJobs,
    @Inject(DISPATCHER_SETTINGS) settings: DispatcherSettings,
  ) {
    super(jobs, 'delivery-gauges', settings.config.METRICS_REFRESH_INTERVAL_MS);
  }

  async refresh(): Promise<void> {
    const backlog = await this.deliveries.backlogBySubscription();
    let oldest = 0;
    for (const { subscriptionId, active, ageSeconds } of backlog) {
      this.metrics.backlogAge.set(subscriptionId, ageSeconds);
      // A disabled subscription's deliveries wait on purpose, until it is enabled again.
      if (active) oldest = Math.max(oldest, ageSeconds);
    }
    this.metrics.backlogOldestAge.set(oldest);
    const live = new Set(backlog.map((b) => b.subscriptionId));
    this.metrics.backlogAge.retain(live);
    this.breakers.retain(live);

    const depth = await this.deliveries.retryQueueDepth(GAUGE_COUNT_LIMIT);
    for (const [due, count] of Object.entries(depth)) this.metrics.retryQueueDepth.set({ due }, count);
  }
}
