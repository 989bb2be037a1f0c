import { Inject, Injectable } from '@nestjs/common';
import { KafkaTransport } from '@smart-dairy/kafka';
import { ActivitySummaryJob, LOGGER, PeriodicJobs, metricTotal, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from './config';
import { DispatcherMetrics } from './dispatcher-metrics';
import { DELIVERY_CONSUMER } from './kafka/delivery-tasks.controller';
import { AttemptRecorder } from './recording/attempt-recorder';

/**
 * The dispatcher's info line every ACTIVITY_SUMMARY_INTERVAL_MS: attempts and what came of them over the
 * period, from the same counters as /metrics, and what waits now. Each attempt is a debug line.
 */
@Injectable()
export class DispatcherSummary extends ActivitySummaryJob {
  constructor(
    private readonly metrics: DispatcherMetrics,
    private readonly recorder: AttemptRecorder,
    private readonly transport: KafkaTransport,
    jobs: PeriodicJobs,
    @Inject(DISPATCHER_SETTINGS) config: DispatcherSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(jobs, logger, 'dispatcher activity', config.config.ACTIVITY_SUMMARY_INTERVAL_MS);
  }

  async summarize(): Promise<Record<string, number>> {
    const { attemptDuration, deliveries, deadLettered, lag } = this.metrics;
    const attempts = await this.deltas.increase(attemptDuration);
    const delivered = await this.deltas.increase(attemptDuration, { outcome: 'delivered' });
    return {
      attempts,
      delivered,
      failed: attempts - delivered,
      deadLettered: await this.deltas.increase(deadLettered),
      notSent: await this.deltas.increase(deliveries, { outcome: 'parked' }),
      // Delivery tasks taken from Kafka and not finished: queued, being sent, or being written.
      unfinished: this.transport.unfinished(DELIVERY_CONSUMER),
      recordBacklog: this.recorder.backlog,
      lag: await metricTotal(lag),
    };
  }
}
