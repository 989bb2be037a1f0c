import { Inject, Injectable } from '@nestjs/common';
import { metricsOn } from '@smart-dairy/service-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from './config';
import type { AttemptStatusLabels } from './delivery/attempt-metrics';
import { TASK_REJECTIONS } from './delivery/task-decision';
import { PerSubscriptionGauge } from './monitoring/per-subscription-gauge';

const HELP = {
  dispatcher_deliveries_total: 'Attempts and parkings by resulting outcome',
  dispatcher_attempt_duration_seconds: 'Latency of delivery attempts',
  dispatcher_in_flight: 'Requests being sent',
  dispatcher_queued: 'Deliveries waiting for a slot',
  dispatcher_breaker_state: 'Circuit breaker per subscription: 0 closed, 1 half-open, 2 open',
  dispatcher_breakers: "Circuit breakers of this replica's endpoints by state",
  dispatcher_attempts_total:
    'Delivery attempts by HTTP status class and code (no answer: class "error", the network error class as code)',
  dispatcher_end_to_end_latency_seconds: "From the event's timestamp to its delivery, by priority",
  dispatcher_backlog_age_seconds:
    'Age of the oldest pending or retrying delivery per subscription (0: none), refreshed every METRICS_REFRESH_INTERVAL_MS',
  dispatcher_backlog_oldest_age_seconds:
    'Age of the oldest pending or retrying delivery of any active subscription, refreshed every METRICS_REFRESH_INTERVAL_MS',
  dispatcher_retry_queue_depth:
    'Deliveries waiting in Postgres to be tried again (retries and parked ones) by when they are due, of the 100000 due first',
  dispatcher_retries_scheduled_total: 'Retries scheduled after a failed attempt',
  dispatcher_dead_lettered_total: 'Deliveries moved to the dead letter queue',
  dispatcher_consumer_lag: 'Delivery tasks behind the end of each partition',
  dispatcher_record_failures_total:
    'Failed writes of a batch of attempts (the batch is tried again; /ready fails meanwhile)',
  dispatcher_record_backlog: 'Attempts waiting to be written',
  dispatcher_dead_letters_shortened_total:
    'Dead letters published without their earliest attempts, to stay within their byte budget',
  dispatcher_unpublishable_messages_total:
    'Messages the broker refused as too large even when shortened: logged with their ids, not published',
  dispatcher_rejected_tasks_total:
    'Delivery tasks refused because Postgres does not vouch for them, by reason',
};

/** Buckets of the attempt duration, in seconds. */
const LATENCIES = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Buckets of the end-to-end latency, in seconds: from a healthy pipeline's fraction of a second to retries a day on. */
const END_TO_END = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400];

@Injectable()
export class DispatcherMetrics {
  readonly deliveries: Counter<'outcome' | 'event_type'>;
  readonly attemptDuration: Histogram<'outcome'>;
  readonly inFlight: Gauge;
  readonly queued: Gauge;
  readonly breakerState: PerSubscriptionGauge;
  readonly breakers: Gauge<'state'>;
  readonly attempts: Counter<keyof AttemptStatusLabels>;
  readonly endToEndLatency: Histogram<'priority'>;
  readonly backlogAge: PerSubscriptionGauge;
  readonly backlogOldestAge: Gauge;
  readonly retryQueueDepth: Gauge<'due'>;
  readonly retriesScheduled: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly rejectedTasks: Counter<'reason'>;
  readonly recordFailures: Counter;
  readonly recordBacklog: Gauge;
  readonly deadLettersShortened: Counter;
  readonly unpublishable: Counter<'topic'>;

  constructor(registry: Registry, @Inject(DISPATCHER_SETTINGS) settings: DispatcherSettings) {
    const metric = metricsOn(registry, HELP);
    const perSubscription = (name: keyof typeof HELP) =>
      new PerSubscriptionGauge(
        settings.config.METRICS_PER_SUBSCRIPTION ? metric.gauge(name, ['subscription_id']) : null,
      );
    this.deliveries = metric.counter('dispatcher_deliveries_total', ['outcome', 'event_type']);
    this.attemptDuration = metric.histogram('dispatcher_attempt_duration_seconds', LATENCIES, ['outcome']);
    this.inFlight = metric.gauge('dispatcher_in_flight');
    this.queued = metric.gauge('dispatcher_queued');
    this.breakerState = perSubscription('dispatcher_breaker_state');
    this.breakers = metric.gauge('dispatcher_breakers', ['state']);
    this.attempts = metric.counter('dispatcher_attempts_total', ['status_class', 'status_code']);
    this.endToEndLatency = metric.histogram('dispatcher_end_to_end_latency_seconds', END_TO_END, [
      'priority',
    ]);
    this.backlogAge = perSubscription('dispatcher_backlog_age_seconds');
    this.backlogOldestAge = metric.gauge('dispatcher_backlog_oldest_age_seconds');
    this.retryQueueDepth = metric.gauge('dispatcher_retry_queue_depth', ['due']);
    this.retriesScheduled = metric.counter('dispatcher_retries_scheduled_total');
    this.deadLettered = metric.counter('dispatcher_dead_lettered_total', ['reason']);
    this.lag = metric.gauge('dispatcher_consumer_lag', ['topic', 'partition']);
    this.recordFailures = metric.counter('dispatcher_record_failures_total');
    this.recordBacklog = metric.gauge('dispatcher_record_backlog');
    this.deadLettersShortened = metric.counter('dispatcher_dead_letters_shortened_total');
    this.unpublishable = metric.counter('dispatcher_unpublishable_messages_total', ['topic']);
    this.rejectedTasks = metric.counter('dispatcher_rejected_tasks_total', ['reason']);
    // Every reason shows from the start, at 0: an alert on any increase needs the series to exist.
    for (const reason of TASK_REJECTIONS) this.rejectedTasks.inc({ reason }, 0);
  }
}
