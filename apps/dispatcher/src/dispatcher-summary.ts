import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaTransport } from '@smart-dairy/kafka';
import {
  CounterDeltas,
  LOGGER,
  PeriodicJobs,
  metricTotal,
  scheduleActivitySummary,
  type Logger,
} from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from './config';
import { DispatcherMetrics } from './dispatcher-metrics';
import { DELIVERY_CONSUMER } from './kafka/delivery-tasks.controller';
import { AttemptRecorder } from './recording/attempt-recorder';

/**
 * The dispatcher's info line every ACTIVITY_SUMMARY_INTERVAL_MS: attempts and what came of them over the
 * period, from the same counters as /metrics, and what waits now. Each attempt is a debug line.
 */
@Injectable()
export class DispatcherSummary implements OnApplicationBootstrap {
  private readonly deltas = new CounterDeltas();

  constructor(
    private readonly metrics: DispatcherMetrics,
    private readonly recorder: AttemptRecorder,
    private readonly transport: KafkaTransport,
    private readonly jobs: PeriodicJobs,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    scheduleActivitySummary(this.jobs, this.logger, {
      message: 'dispatcher activity',
      everyMs: this.settings.config.ACTIVITY_SUMMARY_INTERVAL_MS,
      summarize: () => this.summarize(),
    });
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
