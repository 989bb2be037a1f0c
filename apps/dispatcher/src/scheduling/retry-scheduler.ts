import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';

interface DueRow {
  id: string;
  event_category: string;
  event_id: string;
  subscription_id: string;
  event_type: string;
  priority: 'high' | 'medium' | 'low';
}

/**
 * Durable retries: a waiting retry is a row in `retrying` with its due time, so it survives any
 * restart and holds no consumer or partition. Every replica polls; `FOR UPDATE SKIP LOCKED`
 * gives each due row to one of them, which pushes its due time forward by the claim timeout
 * (so a scheduler dying mid-way only delays it) and sends it back through the delivery topic,
 * keyed by subscription, to whichever replica owns that endpoint.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
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

  private claim(): Promise<DueRow[]> {
    const { SCHEDULER_BATCH_SIZE, SCHEDULER_CLAIM_TIMEOUT_MS } = this.settings.config;
    return this.prisma.$queryRaw<DueRow[]>`
      UPDATE "deliveries" AS d
      SET "next_attempt_at" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${SCHEDULER_CLAIM_TIMEOUT_MS / 1000})
      FROM (
        SELECT "id" FROM "deliveries"
        WHERE "status" = 'retrying' AND "next_attempt_at" <= (now() AT TIME ZONE 'UTC')
        ORDER BY "next_attempt_at"
        LIMIT ${SCHEDULER_BATCH_SIZE}
        FOR UPDATE SKIP LOCKED
      ) AS due
      WHERE d."id" = due."id"
      RETURNING d."id", d."event_category", d."event_id", d."subscription_id", d."event_type",
        d."priority"::text AS "priority"`;
  }

  private async enqueue(due: DueRow[]): Promise<void> {
    // An event id is unique within its category only.
    const keyOf = (category: string, id: string) => `${category}\n${id}`;
    const events = await this.prisma.event.findMany({
      where: { id: { in: [...new Set(due.map((d) => d.event_id))] } },
      select: { category: true, id: true, occurredAt: true, data: true },
    });
    const byKey = new Map(events.map((e) => [keyOf(e.category, e.id), e]));
    const tasks: DeliveryTask[] = [];
    for (const row of due) {
      const event = byKey.get(keyOf(row.event_category, row.event_id));
      if (!event) {
        this.logger.error(
          { deliveryId: row.id, eventId: row.event_id },
          'retry without its event; left for review',
        );
        continue;
      }
      tasks.push({
        deliveryId: row.id,
        eventId: row.event_id,
        eventType: row.event_type,
        subscriptionId: row.subscription_id,
        priority: row.priority,
        occurredAt: event.occurredAt.toISOString(),
        data: event.data as Record<string, unknown>,
      });
    }
    await publishDeliveryTasks(this.kafka, tasks);
  }
}
