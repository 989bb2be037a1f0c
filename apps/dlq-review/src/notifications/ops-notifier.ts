import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher, type EventToPublish } from '@smart-dairy/producer';
import { DlqMetrics } from '../dlq-metrics';

/**
 * Operator notifications (docs/protocol.md#system-events): operational events go to `events.system`
 * through the same validation as any producer's, and from there to every subscription that asked for them.
 */
@Injectable()
export class OpsNotifier implements OnApplicationShutdown {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: DlqMetrics,
  ) {}

  async publish(events: readonly EventToPublish[]): Promise<void> {
    if (events.length === 0) return;
    await this.publisher.publishMany(events);
    for (const event of events) this.metrics.notifications.inc({ event_type: event.type });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
