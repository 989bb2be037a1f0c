import { Injectable } from '@nestjs/common';
import { metricsOn } from '@smart-dairy/service-kit';
import { Counter, Gauge, Registry } from 'prom-client';

const HELP = {
  dlq_dead_letters_received_total: 'Dead letters read from deliveries.dead-letter',
  dlq_entries_changed_total: 'Entries replayed or archived by operators',
  dlq_entries_resolved_total: 'Entries resolved by a later successful delivery',
  dlq_system_events_published_total: 'Operational events published on events.system',
  dlq_unreadable_messages_total: 'Messages skipped because they did not match their topic contract',
  dlq_entries:
    'Entries by review status (each counted up to 100000), refreshed every METRICS_REFRESH_INTERVAL_MS',
};

@Injectable()
export class DlqMetrics {
  readonly deadLetters: Counter<'event_type'>;
  readonly actions: Counter<'action'>;
  readonly resolved: Counter;
  readonly notifications: Counter<'event_type'>;
  readonly unreadable: Counter<'topic'>;
  readonly entries: Gauge<'status'>;

  constructor(registry: Registry) {
    const metric = metricsOn(registry, HELP);
    this.deadLetters = metric.counter('dlq_dead_letters_received_total', ['event_type']);
    this.actions = metric.counter('dlq_entries_changed_total', ['action']);
    this.resolved = metric.counter('dlq_entries_resolved_total');
    this.notifications = metric.counter('dlq_system_events_published_total', ['event_type']);
    this.unreadable = metric.counter('dlq_unreadable_messages_total', ['topic']);
    this.entries = metric.gauge('dlq_entries', ['status']);
  }
}
