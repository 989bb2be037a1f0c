import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
    const registers = [registry];
    this.consumed = new Counter({
      name: 'ingestion_events_consumed_total',
      help: 'Messages read from the category topics',
      labelNames: ['topic'],
      registers,
    });
    this.accepted = new Counter({
      name: 'ingestion_events_accepted_total',
      help: 'Valid events fanned out',
      labelNames: ['event_type'],
      registers,
    });
    this.quarantined = new Counter({
      name: 'ingestion_events_quarantined_total',
      help: 'Invalid messages sent to events.invalid',
      labelNames: ['topic'],
      registers,
    });
    this.deduplicated = new Counter({
      name: 'ingestion_events_deduplicated_total',
      help: 'Events whose id was seen before',
      labelNames: ['event_type'],
      registers,
    });
    this.idConflicts = new Counter({
      name: 'ingestion_event_id_conflicts_total',
      help: 'Events quarantined because their id was already used in their category for other content',
      labelNames: ['category'],
      registers,
    });
    this.deliveriesCreated = new Counter({
      name: 'ingestion_deliveries_created_total',
      help: 'Delivery tasks handed to the dispatcher',
      labelNames: ['event_type'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'ingestion_batch_size',
      help: 'Messages per processed batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
      registers,
    });
    this.lag = new Gauge({
      name: 'ingestion_consumer_lag',
      help: 'Messages behind the end of each category topic partition',
      labelNames: ['topic', 'partition'],
      registers,
    });
  }
}
