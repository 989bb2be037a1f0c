import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository, type DueDelivery } from '../deliveries/deliveries.repository';

/**
 * Durable retries: a waiting retry is a row in `retrying` with its due time, so it survives any
 * restart and holds no consumer or partition. Every replica polls and claims due rows (see
 * DeliveriesRepository.claimDue), then sends them back through the delivery topic, keyed by
 * subscription, to whichever replica owns that endpoint. Pending deliveries whose lease ran out
 * come back the same way: no delivery stays pending with no task left to send it.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveriesRepository,
    private readonly kafka: KafkaClient,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: PeriodicJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule(
      { name: 'retry-scheduler', run: () => this.releaseDue() },
      { everyMs: this.settings.config.SCHEDULER_INTERVAL_MS },
    );
  }

  /** Claims every due retry (in batches) and re-enqueues it; returns how many. */
  async releaseDue(): Promise<number> {
    let released = 0;
    for (;;) {
      const due = await this.claim();
      if (due.length === 0) return released;
      await this.enqueue(due);
      released += due.length;
      if (due.length < this.settings.config.SCHEDULER_BATCH_SIZE) return released;
    }
  }

  private claim(): Promise<DueDelivery[]> {
    const { SCHEDULER_BATCH_SIZE, SCHEDULER_CLAIM_TIMEOUT_MS, PENDING_DELIVERY_LEASE_MS } =
      this.settings.config;
    return this.deliveries.claimDue(
      SCHEDULER_BATCH_SIZE,
      SCHEDULER_CLAIM_TIMEOUT_MS,
      PENDING_DELIVERY_LEASE_MS,
    );
  }

  private async enqueue(due: DueDelivery[]): Promise<void> {
    // An event id is unique within its category only.
    const keyOf = (category: string, id: string) => `${category}\n${id}`;
    const events = await this.prisma.event.findMany({
      where: { id: { in: [...new Set(due.map((d) => d.eventId))] } },
      select: { category: true, id: true, occurredAt: true, data: true },
    });
    const byKey = new Map(events.map((e) => [keyOf(e.category, e.id), e]));
    const tasks: DeliveryTask[] = [];
    for (const row of due) {
      const event = byKey.get(keyOf(row.eventCategory, row.eventId));
      if (!event) {
        this.logger.error(
          { deliveryId: row.id, eventId: row.eventId },
          'retry without its event; left for review',
        );
        continue;
      }
      tasks.push({
        deliveryId: row.id,
        eventId: row.eventId,
        eventType: row.eventType,
        subscriptionId: row.subscriptionId,
        priority: row.priority,
        occurredAt: event.occurredAt.toISOString(),
        data: event.data as Record<string, unknown>,
      });
    }
    await publishDeliveryTasks(this.kafka, tasks);
  }
}
