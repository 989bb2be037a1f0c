import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

@Injectable()
export class DlqMetrics {
  readonly deadLetters: Counter<'event_type'>;
  readonly actions: Counter<'action'>;
  readonly resolved: Counter;
  readonly notifications: Counter<'event_type'>;
  readonly unreadable: Counter<'topic'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.deadLetters = new Counter({
      name: 'dlq_dead_letters_received_total',
      help: 'Dead letters read from deliveries.dead-letter',
      labelNames: ['event_type'],
      registers,
    });
    this.actions = new Counter({
      name: 'dlq_entries_changed_total',
      help: 'Entries replayed or archived by operators',
      labelNames: ['action'],
      registers,
    });
    this.resolved = new Counter({
      name: 'dlq_entries_resolved_total',
      help: 'Entries resolved by a later successful delivery',
      registers,
    });
    this.notifications = new Counter({
      name: 'dlq_system_events_published_total',
      help: 'Operational events published on events.system',
      labelNames: ['event_type'],
      registers,
    });
    this.unreadable = new Counter({
      name: 'dlq_unreadable_messages_total',
      help: 'Messages skipped because they did not match their topic contract',
      labelNames: ['topic'],
      registers,
    });
  }
}
