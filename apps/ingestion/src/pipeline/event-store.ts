import { Inject, Injectable } from '@nestjs/common';
import { DeliveryStatus, PrismaService, SubscriptionOrdering, SubscriptionStatus } from '@smart-dairy/db';
import { categoryOf } from '@smart-dairy/schemas';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import type { AcceptedEvent } from './accepted-event';
import { eventContent } from './event-content';
import type { NewDelivery } from './fan-out';

export interface StoredBatch {
  /** Events to fan out: new ones, and ones re-read from the same Kafka position after a crash. */
  fresh: AcceptedEvent[];
  /** Events whose id was already stored in their category with the same content: the producer published twice. */
  duplicates: AcceptedEvent[];
  /** Events whose id was already stored in their category for other content: never fanned out. */
  conflicts: AcceptedEvent[];
}

/** Events and deliveries are keyed by category and id: an id is unique within its category only. */
const keyOf = (category: string, id: string) => `${category}\n${id}`;

/** Writes events and deliveries in batches; every write is idempotent under replay. */
@Injectable()
export class EventStore {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async storeEvents(events: readonly AcceptedEvent[]): Promise<StoredBatch> {
    if (events.length === 0) return { fresh: [], duplicates: [], conflicts: [] };
    // One array per column rather than a parameter per value: a chunk is thousands of rows, and this
    // keeps the statement small and Prisma's per-parameter work out of the hot path.
    const inserted = await this.prisma.$queryRaw<{ category: string; id: string }[]>`
      INSERT INTO "events" ("category", "id", "type", "occurred_at", "occurred_at_text", "data", "data_json",
        "partition_key", "source_topic", "source_partition", "source_offset", "received_at")
      SELECT v.category, v.id, v.type, v.occurred_at AT TIME ZONE 'UTC', v.occurred_at_text, v.data, v.data_json,
        v.partition_key, v.source_topic, v.source_partition, v.source_offset, now() AT TIME ZONE 'UTC'
      FROM unnest(
        ${events.map((e) => categoryOf(e.event.event))}::text[],
        ${events.map((e) => e.id)}::text[],
        ${events.map((e) => e.event.event)}::text[],
        ${events.map((e) => new Date(e.event.timestamp).toISOString())}::timestamptz[],
        ${events.map((e) => e.asWritten.timestamp)}::text[],
        ${events.map((e) => JSON.stringify(e.event.data))}::jsonb[],
        ${events.map((e) => e.asWritten.dataJson)}::text[],
        ${events.map((e) => e.key)}::text[],
        ${events.map((e) => e.source.topic)}::text[],
        ${events.map((e) => e.source.partition)}::int[],
        ${events.map((e) => e.source.offset)}::text[]
      ) AS v(category, id, type, occurred_at, occurred_at_text, data, data_json, partition_key, source_topic,
        source_partition, source_offset)
      ON CONFLICT DO NOTHING
      RETURNING "category", "id"`;
    // A key inserted by this statement belongs to its first message in the batch; a later one with the
    // same key is judged against what that first one stored.
    const unclaimed = new Set(inserted.map((row) => keyOf(row.category, row.id)));
    const insertedHere: AcceptedEvent[] = [];
    const clashing: AcceptedEvent[] = [];
    for (const e of events) {
      const key = keyOf(categoryOf(e.event.event), e.id);
      if (unclaimed.delete(key)) insertedHere.push(e);
      else clashing.push(e);
    }
    if (clashing.length === 0) return { fresh: insertedHere, duplicates: [], conflicts: [] };

    const stored = await this.prisma.event.findMany({
      where: { id: { in: clashing.map((e) => e.id) } },
      select: {
        category: true,
        id: true,
        type: true,
        occurredAt: true,
        data: true,
        sourceTopic: true,
        sourcePartition: true,
        sourceOffset: true,
      },
    });
    const first = new Map(stored.map((row) => [keyOf(row.category, row.id), row]));
    const batch: StoredBatch = { fresh: insertedHere, duplicates: [], conflicts: [] };
    for (const e of clashing) {
      const row = first.get(keyOf(categoryOf(e.event.event), e.id));
      if (
        row?.sourceTopic === e.source.topic &&
        row.sourcePartition === e.source.partition &&
        row.sourceOffset === e.source.offset
      ) {
        batch.fresh.push(e);
      } else if (
        row &&
        eventContent(row.type, row.occurredAt, row.data) ===
          eventContent(e.event.event, e.event.timestamp, e.event.data)
      ) {
        batch.duplicates.push(e);
      } else {
        batch.conflicts.push(e);
      }
    }
    return batch;
  }

  /**
   * Inserts the deliveries that do not exist yet and returns the tasks owed to the dispatcher: those of
   * deliveries still to be sent (`pending` or `retrying`), new or not. Postgres, not the subscription
   * view, decides what each subscription gets: nothing once it is deleted, and while it is disabled a
   * `waiting` delivery with no task, sent when it is enabled (apps/subscriptions/src/backlog). The disabled
   * subscriptions' rows are locked `FOR SHARE` for the statement, so an enable waits for it to commit and
   * then finds every delivery it made waiting; one that commits first is seen here as enabled. A delivery
   * to a subscription with per_key ordering gets its event's key and position in the same statement, as
   * Postgres has the subscription then (docs/protocol.md#ordered-delivery); a keyless event is unordered.
   */
  async storeDeliveries(tasks: readonly NewDelivery[]): Promise<NewDelivery[]> {
    if (tasks.length === 0) return [];
    const inserted = await this.prisma.$queryRaw<{ id: string; status: DeliveryStatus }[]>`
      WITH "held" AS MATERIALIZED (
        SELECT "id" FROM "subscriptions"
        WHERE "id" = ANY(${[...new Set(tasks.map((t) => t.subscriptionId))]}::text[])
          AND "status" = ${SubscriptionStatus.disabled}::"SubscriptionStatus" AND "deleted_at" IS NULL
        ORDER BY "id"
        FOR SHARE
      )
      INSERT INTO "deliveries" ("id", "event_category", "event_id", "subscription_id", "event_type", "priority",
        "status", "next_attempt_at", "created_at", "updated_at", "trace_context", "order_key", "order_partition",
        "order_offset")
      SELECT v.id, split_part(v.event_type, '.', 1), v.event_id, v.subscription_id, v.event_type, v.priority::"Priority",
        CASE WHEN h."id" IS NULL THEN ${DeliveryStatus.pending} ELSE ${DeliveryStatus.waiting} END::"DeliveryStatus",
        CASE WHEN h."id" IS NULL THEN
          (now() AT TIME ZONE 'UTC') + make_interval(secs => ${this.config.PENDING_DELIVERY_LEASE_MS / 1000}::float8)
        END,
        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', v.trace_context::jsonb,
        CASE WHEN s."ordering" = ${SubscriptionOrdering.per_key}::"SubscriptionOrdering" AND v.key IS NOT NULL THEN v.key END,
        CASE WHEN s."ordering" = ${SubscriptionOrdering.per_key}::"SubscriptionOrdering" AND v.key IS NOT NULL
          THEN v.partition END,
        CASE WHEN s."ordering" = ${SubscriptionOrdering.per_key}::"SubscriptionOrdering" AND v.key IS NOT NULL
          THEN v.event_offset END
      FROM unnest(
        ${tasks.map((t) => t.deliveryId)}::text[],
        ${tasks.map((t) => t.eventId)}::text[],
        ${tasks.map((t) => t.subscriptionId)}::text[],
        ${tasks.map((t) => t.eventType)}::text[],
        ${tasks.map((t) => t.priority)}::text[],
        ${tasks.map((t) => (t.trace ? JSON.stringify(t.trace) : null))}::text[],
        ${tasks.map((t) => t.position.key)}::text[],
        ${tasks.map((t) => t.position.partition)}::int[],
        ${tasks.map((t) => t.position.offset)}::bigint[]
      ) AS v(id, event_id, subscription_id, event_type, priority, trace_context, key, partition, event_offset)
      JOIN "subscriptions" AS s ON s."id" = v.subscription_id AND s."deleted_at" IS NULL
      LEFT JOIN "held" AS h ON h."id" = v.subscription_id
      ON CONFLICT DO NOTHING
      RETURNING "id", "status"`;
    const owed = new Set(
      inserted.filter((row) => row.status === DeliveryStatus.pending).map((row) => row.id),
    );
    const insertedIds = new Set(inserted.map((row) => row.id));
    const existing = tasks.filter((t) => !insertedIds.has(t.deliveryId)).map((t) => t.deliveryId);
    if (existing.length > 0) {
      const unsent = await this.prisma.delivery.findMany({
        where: { id: { in: existing }, status: { in: [DeliveryStatus.pending, DeliveryStatus.retrying] } },
        select: { id: true },
      });
      for (const row of unsent) owed.add(row.id);
    }
    return tasks.filter((t) => owed.has(t.deliveryId));
  }
}
