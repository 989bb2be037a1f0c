import { Injectable } from '@nestjs/common';
import { metricsOn } from '@smart-dairy/service-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TASK_REJECTIONS } from './delivery/task-decision';

const HELP = {
  dispatcher_deliveries_total: 'Attempts and parkings by resulting outcome',
  dispatcher_attempt_duration_seconds: 'Latency of delivery attempts',
  dispatcher_in_flight: 'Requests being sent',
  dispatcher_queued: 'Deliveries waiting for a slot',
  dispatcher_breaker_state: 'Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open',
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

@Injectable()
export class DispatcherMetrics {
  readonly deliveries: Counter<'outcome' | 'event_type'>;
  readonly attemptDuration: Histogram<'outcome'>;
  readonly inFlight: Gauge;
  readonly queued: Gauge;
  readonly breakerState: Gauge<'subscription_id'>;
  readonly retriesScheduled: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly rejectedTasks: Counter<'reason'>;
  readonly recordFailures: Counter;
  readonly recordBacklog: Gauge;
  readonly deadLettersShortened: Counter;
  readonly unpublishable: Counter<'topic'>;

  constructor(registry: Registry) {
    const metric = metricsOn(registry, HELP);
    this.deliveries = metric.counter('dispatcher_deliveries_total', ['outcome', 'event_type']);
    this.attemptDuration = metric.histogram('dispatcher_attempt_duration_seconds', LATENCIES, ['outcome']);
    this.inFlight = metric.gauge('dispatcher_in_flight');
    this.queued = metric.gauge('dispatcher_queued');
    this.breakerState = metric.gauge('dispatcher_breaker_state', ['subscription_id']);
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
