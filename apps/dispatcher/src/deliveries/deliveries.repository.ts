import { Injectable } from '@nestjs/common';
import { DeliveryStatus, PrismaService, type Priority } from '@smart-dairy/db';
import type { TracedTask } from '@smart-dairy/messages';
import { storedTraceHeaders } from '@smart-dairy/tracing';
import type { AttemptWrite, NextState } from './attempt-write';
import { eventContentOf, type EventColumns, type EventContent } from './event-content';

/** A delivery as Postgres holds it: what the dispatcher sends, records and dead-letters. */
export interface StoredDelivery {
  deliveryId: string;
  subscriptionId: string;
  priority: Priority;
  event: EventContent;
}

/** A delivery with what deciding whether to send a task for it needs. */
export interface DeliveryRow extends StoredDelivery {
  status: DeliveryStatus;
  attemptCount: number;
  retryBudgetBase: number;
  /** A manual retry or DLQ replay asked for and not yet answered (docs/protocol.md). */
  replayRequestedAt: Date | null;
}

type SelectedRow = Omit<DeliveryRow, 'event'> & EventColumns;

/** A delivery the retry scheduler hands out again, in the trace its task span began (null while off). */
export type DueDelivery = Omit<TracedTask, 'replay'>;

const STATUS_AFTER: Record<NextState['status'], DeliveryStatus> = {
  delivered: DeliveryStatus.delivered,
  retrying: DeliveryStatus.retrying,
  dead_lettered: DeliveryStatus.dead_lettered,
  // Parked deliveries wait like retries, without an attempt.
  parked: DeliveryStatus.retrying,
};

/** Every statement the dispatcher makes on the `deliveries` table. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The deliveries of a batch of tasks with their events, in one statement: everything the dispatcher
   * sends comes from here, never from the task.
   */
  async rows(ids: readonly string[]): Promise<Map<string, DeliveryRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<SelectedRow[]>`
      SELECT d."id" AS "deliveryId", d."subscription_id" AS "subscriptionId", d."priority", d."status",
        d."attempt_count" AS "attemptCount", d."retry_budget_base" AS "retryBudgetBase",
        d."replay_requested_at" AS "replayRequestedAt",
        e."id" AS "eventId", e."type" AS "eventType", e."occurred_at_text" AS "occurredAtText",
        e."data_json" AS "dataJson"
      FROM "deliveries" AS d
      JOIN "events" AS e ON e."category" = d."event_category" AND e."id" = d."event_id"
      WHERE d."id" = ANY(${ids}::text[])`;
    return new Map(
      rows.map(({ eventId, eventType, occurredAtText, dataJson, ...delivery }) => [
        delivery.deliveryId,
        { ...delivery, event: eventContentOf({ eventId, eventType, occurredAtText, dataJson }) },
      ]),
    );
  }

  /**
   * Claims up to `limit` deliveries that are due: retries whose time has come, and pending deliveries
   * whose lease ran out (their task was lost between Postgres and Kafka, or never consumed). Each claim
   * moves the row's time forward, a retry by `claimMs` and a pending delivery by a new `leaseMs`, so a
   * scheduler dying mid-way only delays it; `FOR UPDATE SKIP LOCKED` gives each row to one replica. Each
   * comes with the trace context its task span left, so its next attempt joins the delivery's trace.
   */
  async claimDue(limit: number, claimMs: number, leaseMs: number): Promise<DueDelivery[]> {
    const claimed = await this.prisma.$queryRaw<(Omit<DueDelivery, 'trace'> & { trace: unknown })[]>`
      UPDATE "deliveries" AS d
      SET "next_attempt_at" = (now() AT TIME ZONE 'UTC') + make_interval(secs =>
        CASE WHEN d."status" = ${DeliveryStatus.pending}::"DeliveryStatus" THEN ${leaseMs / 1000}::float8 ELSE ${claimMs / 1000}::float8 END)
      FROM (
        SELECT "id" FROM "deliveries"
        WHERE "status" IN (${DeliveryStatus.retrying}::"DeliveryStatus", ${DeliveryStatus.pending}::"DeliveryStatus")
          AND "next_attempt_at" <= (now() AT TIME ZONE 'UTC')
        ORDER BY "next_attempt_at"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS due
      WHERE d."id" = due."id"
      RETURNING d."id" AS "deliveryId", d."subscription_id" AS "subscriptionId", d."priority",
        d."trace_context" AS "trace"`;
    return claimed.map((row) => ({ ...row, trace: storedTraceHeaders(row.trace) }));
  }

  /**
   * The state after each write, as one statement for the batch (part of the recorder's transaction);
   * an older write never overtakes a newer one for the same delivery. A write that answered a replay
   * request clears it, unless a newer request came in meanwhile.
   */
  recordStates(writes: readonly AttemptWrite[]) {
    const column = <T>(pick: (w: AttemptWrite) => T) => writes.map(pick);
    return this.prisma.$executeRaw`
      UPDATE "deliveries" AS d SET
        "status" = v.status::"DeliveryStatus",
        "attempt_count" = v.attempt_count,
        "retry_budget_base" = v.budget_base,
        "next_attempt_at" = v.next_attempt_at AT TIME ZONE 'UTC',
        "last_error" = COALESCE(v.last_error, d."last_error"),
        "last_status_code" = COALESCE(v.last_status_code, d."last_status_code"),
        "delivered_at" = COALESCE(v.delivered_at AT TIME ZONE 'UTC', d."delivered_at"),
        "replay_requested_at" = CASE WHEN d."replay_requested_at" = v.replay_answered AT TIME ZONE 'UTC'
          THEN NULL ELSE d."replay_requested_at" END,
        "updated_at" = now() AT TIME ZONE 'UTC'
      FROM unnest(
        ${column((w) => w.delivery.deliveryId)}::text[],
        ${column((w) => STATUS_AFTER[w.next.status])}::text[],
        ${column((w) => w.attemptCount)}::int[],
        ${column((w) => w.budgetBase)}::int[],
        ${column((w) => ('nextAttemptAt' in w.next ? w.next.nextAttemptAt.toISOString() : null))}::timestamptz[],
        ${column((w) => (w.next.status === 'parked' ? w.next.why : (w.attempt?.errorClass ?? null)))}::text[],
        ${column((w) => w.attempt?.statusCode ?? null)}::int[],
        ${column((w) =>
          w.next.status === 'delivered' ? (w.attempt?.finishedAt ?? new Date()).toISOString() : null,
        )}::timestamptz[],
        ${column((w) => w.replayRequestedAt?.toISOString() ?? null)}::timestamptz[]
      ) AS v(id, status, attempt_count, budget_base, next_attempt_at, last_error, last_status_code, delivered_at,
        replay_answered)
      WHERE d."id" = v.id AND d."attempt_count" <= v.attempt_count`;
  }
}
