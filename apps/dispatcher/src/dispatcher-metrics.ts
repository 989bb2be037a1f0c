import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  readonly recordFailures: Counter;
  readonly recordBacklog: Gauge;
  readonly deadLettersShortened: Counter;
  readonly unpublishable: Counter<'topic'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.deliveries = new Counter({
      name: 'dispatcher_deliveries_total',
      help: 'Attempts and parkings by resulting outcome',
      labelNames: ['outcome', 'event_type'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'dispatcher_attempt_duration_seconds',
      help: 'Latency of delivery attempts',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.inFlight = new Gauge({ name: 'dispatcher_in_flight', help: 'Requests being sent', registers });
    this.queued = new Gauge({ name: 'dispatcher_queued', help: 'Deliveries waiting for a slot', registers });
    this.breakerState = new Gauge({
      name: 'dispatcher_breaker_state',
      help: 'Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open',
      labelNames: ['subscription_id'],
      registers,
    });
    this.retriesScheduled = new Counter({
      name: 'dispatcher_retries_scheduled_total',
      help: 'Retries scheduled after a failed attempt',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'dispatcher_dead_lettered_total',
      help: 'Deliveries moved to the dead letter queue',
      labelNames: ['reason'],
      registers,
    });
    this.lag = new Gauge({
      name: 'dispatcher_consumer_lag',
      help: 'Delivery tasks behind the end of each partition',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.recordFailures = new Counter({
      name: 'dispatcher_record_failures_total',
      help: 'Failed writes of a batch of attempts (the batch is tried again; /ready fails meanwhile)',
      registers,
    });
    this.recordBacklog = new Gauge({
      name: 'dispatcher_record_backlog',
      help: 'Attempts waiting to be written',
      registers,
    });
    this.deadLettersShortened = new Counter({
      name: 'dispatcher_dead_letters_shortened_total',
      help: 'Dead letters published without their earliest attempts, to stay within their byte budget',
      registers,
    });
    this.unpublishable = new Counter({
      name: 'dispatcher_unpublishable_messages_total',
      help: 'Messages the broker refused as too large even when shortened: logged with their ids, not published',
      labelNames: ['topic'],
      registers,
    });
  }
}
