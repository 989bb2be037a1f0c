import { Injectable } from '@nestjs/common';
import { DeliveryStatus, PrismaService } from '@smart-dairy/db';
import type { DeliveryTask } from '@smart-dairy/messages';
import type { AcceptedEvent } from './accepted-event';

export interface StoredBatch {
  /** Events to fan out: new ones, and ones re-read from the same Kafka position after a crash. */
  fresh: AcceptedEvent[];
  /** Events whose id was already stored from another message: the producer published twice. */
  duplicates: AcceptedEvent[];
}

/** Writes events and deliveries in batches; every write is idempotent under replay. */
@Injectable()
export class EventStore {
  constructor(private readonly prisma: PrismaService) {}

  async storeEvents(events: readonly AcceptedEvent[]): Promise<StoredBatch> {
    if (events.length === 0) return { fresh: [], duplicates: [] };
    // One array per column rather than a parameter per value: a chunk is thousands of rows, and this
    // keeps the statement small and Prisma's per-parameter work out of the hot path.
    const inserted = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO "events" ("id", "type", "occurred_at", "data", "partition_key",
        "source_topic", "source_partition", "source_offset", "received_at")
      SELECT v.id, v.type, v.occurred_at AT TIME ZONE 'UTC', v.data, v.partition_key,
        v.source_topic, v.source_partition, v.source_offset, now() AT TIME ZONE 'UTC'
      FROM unnest(
        ${events.map((e) => e.id)}::text[],
        ${events.map((e) => e.event.event)}::text[],
        ${events.map((e) => new Date(e.event.timestamp).toISOString())}::timestamptz[],
        ${events.map((e) => JSON.stringify(e.event.data))}::jsonb[],
        ${events.map((e) => e.key)}::text[],
        ${events.map((e) => e.source.topic)}::text[],
        ${events.map((e) => e.source.partition)}::int[],
        ${events.map((e) => e.source.offset)}::text[]
      ) AS v(id, type, occurred_at, data, partition_key, source_topic, source_partition, source_offset)
      ON CONFLICT DO NOTHING
      RETURNING "id"`;
    const insertedIds = new Set(inserted.map((row) => row.id));
    const clashing = events.filter((e) => !insertedIds.has(e.id));
    if (clashing.length === 0) return { fresh: [...events], duplicates: [] };

    const stored = await this.prisma.event.findMany({
      where: { id: { in: clashing.map((e) => e.id) } },
      select: { id: true, sourceTopic: true, sourcePartition: true, sourceOffset: true },
    });
    const origin = new Map(stored.map((row) => [row.id, row]));
    const fresh: AcceptedEvent[] = events.filter((e) => insertedIds.has(e.id));
    const duplicates: AcceptedEvent[] = [];
    for (const e of clashing) {
      const first = origin.get(e.id);
      const sameMessage =
        first?.sourceTopic === e.source.topic &&
        first.sourcePartition === e.source.partition &&
        first.sourceOffset === e.source.offset;
      (sameMessage ? fresh : duplicates).push(e);
    }
    return { fresh, duplicates };
  }

  /**
   * Inserts the deliveries that do not exist yet and returns the tasks still owed to the
   * dispatcher: all of them except deliveries that already reached a final state.
   */
  async storeDeliveries(tasks: readonly DeliveryTask[]): Promise<DeliveryTask[]> {
    if (tasks.length === 0) return [];
    const inserted = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO "deliveries" ("id", "event_id", "subscription_id", "event_type", "priority", "status",
        "created_at", "updated_at")
      SELECT v.id, v.event_id, v.subscription_id, v.event_type, v.priority::"Priority",
        ${DeliveryStatus.pending}::"DeliveryStatus", now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM unnest(
        ${tasks.map((t) => t.deliveryId)}::text[],
        ${tasks.map((t) => t.eventId)}::text[],
        ${tasks.map((t) => t.subscriptionId)}::text[],
        ${tasks.map((t) => t.eventType)}::text[],
        ${tasks.map((t) => t.priority)}::text[]
      ) AS v(id, event_id, subscription_id, event_type, priority)
      ON CONFLICT DO NOTHING
      RETURNING "id"`;
    if (inserted.length === tasks.length) return [...tasks];
    const insertedIds = new Set(inserted.map((row) => row.id));
    const existing = tasks.filter((t) => !insertedIds.has(t.deliveryId));
    const finished = await this.prisma.delivery.findMany({
      where: {
        id: { in: existing.map((t) => t.deliveryId) },
        status: { in: [DeliveryStatus.delivered, DeliveryStatus.dead_lettered] },
      },
      select: { id: true },
    });
    const done = new Set(finished.map((row) => row.id));
    return tasks.filter((t) => !done.has(t.deliveryId));
  }
}
