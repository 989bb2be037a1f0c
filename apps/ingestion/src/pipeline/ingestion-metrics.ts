import { Injectable } from '@nestjs/common';
import { metricsOn } from '@smart-dairy/service-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const HELP = {
  ingestion_events_consumed_total: 'Messages read from the category topics',
  ingestion_events_accepted_total: 'Valid events fanned out',
  ingestion_events_quarantined_total: 'Invalid messages sent to events.invalid',
  ingestion_events_deduplicated_total: 'Events whose id was seen before',
  ingestion_event_id_conflicts_total:
    'Events quarantined because their id was already used in their category for other content',
  ingestion_deliveries_created_total: 'Delivery tasks handed to the dispatcher',
  ingestion_batch_size: 'Messages per processed batch',
  ingestion_consumer_lag: 'Messages behind the end of each category topic partition',
};

const BATCH_SIZE_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 5000];

@Injectable()
export class IngestionMetrics {
  readonly consumed: Counter<'topic'>;
  readonly accepted: Counter<'event_type'>;
  readonly quarantined: Counter<'topic'>;
  readonly deduplicated: Counter<'event_type'>;
  readonly idConflicts: Counter<'category'>;
  readonly deliveriesCreated: Counter<'event_type'>;
  readonly batchSize: Histogram;
  readonly lag: Gauge<'topic' | 'partition'>;

  constructor(registry: Registry) {
    const metric = metricsOn(registry, HELP);
    this.consumed = metric.counter('ingestion_events_consumed_total', ['topic']);
    this.accepted = metric.counter('ingestion_events_accepted_total', ['event_type']);
    this.quarantined = metric.counter('ingestion_events_quarantined_total', ['topic']);
    this.deduplicated = metric.counter('ingestion_events_deduplicated_total', ['event_type']);
    this.idConflicts = metric.counter('ingestion_event_id_conflicts_total', ['category']);
    this.deliveriesCreated = metric.counter('ingestion_deliveries_created_total', ['event_type']);
    this.batchSize = metric.histogram('ingestion_batch_size', BATCH_SIZE_BUCKETS);
    this.lag = metric.gauge('ingestion_consumer_lag', ['topic', 'partition']);
  }
}
