import { Injectable } from '@nestjs/common';
import { DeliveryStatus, Prisma, PrismaService } from '@smart-dairy/db';
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
    const inserted = await this.prisma.event.createManyAndReturn({
      data: events.map((e) => ({
        id: e.id,
        type: e.event.event,
        occurredAt: new Date(e.event.timestamp),
        data: e.event.data as Prisma.InputJsonObject,
        partitionKey: e.key,
        sourceTopic: e.source.topic,
        sourcePartition: e.source.partition,
        sourceOffset: e.source.offset,
      })),
      skipDuplicates: true,
      select: { id: true },
    });
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
    const inserted = await this.prisma.delivery.createManyAndReturn({
      data: tasks.map((t) => ({
        id: t.deliveryId,
        eventId: t.eventId,
        subscriptionId: t.subscriptionId,
        eventType: t.eventType,
        priority: t.priority,
        status: DeliveryStatus.pending,
      })),
      skipDuplicates: true,
      select: { id: true },
    });
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
