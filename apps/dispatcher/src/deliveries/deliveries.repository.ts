import { Injectable } from '@nestjs/common';
import {
  DeliveryStatus,
  Prisma,
  PrismaService,
  SubscriptionOrdering,
  SubscriptionStatus,
  type Priority,
} from '@smart-dairy/db';
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
  /** Its event's Kafka key when its subscription delivers in order per key; null for an unordered delivery. */
  orderingKey: string | null;
}

/** A delivery with what deciding whether to send a task for it needs. */
export interface DeliveryRow extends StoredDelivery {
  status: DeliveryStatus;
  attemptCount: number;
  retryBudgetBase: number;
  /** A manual retry or DLQ replay asked for and not yet answered (docs/protocol.md). */
  replayRequestedAt: Date | null;
  /**
   * For an ordered delivery: the latest earlier delivery of its key that has not ended yet, which it must
   * wait for (docs/protocol.md#ordered-delivery); null when there is none.
   */
  precededBy: string | null;
}

type SelectedRow = Omit<DeliveryRow, 'event'> & EventColumns;

/** A delivery the retry scheduler hands out again, in the trace its task span began (null while off). */
export type DueDelivery = Omit<TracedTask, 'replay'>;

/** How long the oldest undelivered delivery of a subscription that is not deleted has waited. */
export interface SubscriptionBacklog {
  subscriptionId: string;
  active: boolean;
  /** Since that delivery was created; 0 when nothing waits. */
  ageSeconds: number;
}

/** Retrying deliveries by when they are due: past due, within a minute, within an hour, later. */
export interface RetryQueueDepth {
  now: number;
  within_1m: number;
  within_1h: number;
  later: number;
}

/** A delivery parked behind an earlier one of its key. */
export interface Wait {
  deliveryId: string;
  behind: string;
}

/** What the ordered subscriptions hold back: keys with a waiting delivery, and the oldest of those. */
export interface HeldBack {
  subscriptionId: string;
  keys: number;
  oldestCreatedAt: Date | null;
}

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
        d."replay_requested_at" AS "replayRequestedAt", d."order_key" AS "orderingKey",
        turn."id" AS "precededBy",
        e."id" AS "eventId", e."type" AS "eventType", e."occurred_at_text" AS "occurredAtText",
        e."data_json" AS "dataJson"
      FROM "deliveries" AS d
      JOIN "events" AS e ON e."category" = d."event_category" AND e."id" = d."event_id"
      -- The latest earlier delivery of the same subscription and key on the same category topic partition
      -- that has not ended (deliveries_order_turns_idx); none for an unordered delivery.
      LEFT JOIN LATERAL (
        SELECT p."id" FROM "deliveries" AS p
        WHERE d."order_key" IS NOT NULL AND p."order_key" IS NOT NULL AND p."order_released_at" IS NULL
          AND p."subscription_id" = d."subscription_id" AND p."event_category" = d."event_category"
          AND p."order_partition" = d."order_partition" AND p."order_key" = d."order_key"
          AND p."order_offset" < d."order_offset"
        ORDER BY p."order_offset" DESC
        LIMIT 1
      ) AS turn ON true
      WHERE d."id" = ANY(${ids}::text[])`;
    return new Map(
      rows.map(({ eventId, eventType, occurredAtText, dataJson, ...delivery }) => [
        delivery.deliveryId,
        { ...delivery, event: eventContentOf({ eventId, eventType, occurredAtText, dataJson }) },
      ]),
    );
  }

  /**
   * Parks deliveries behind the earlier ones of their keys, and returns those it parked: each only if the
   * one ahead has not ended, and the delivery is still to be sent without a replay asked for it. The one
   * ahead may end just after (see KeyOrdering.holdBack).
   */
  async park(waits: readonly Wait[]): Promise<Set<string>> {
    if (waits.length === 0) return new Set();
    const parked = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "deliveries" AS d
      SET "waiting_for" = v.behind, "next_attempt_at" = NULL, "updated_at" = now() AT TIME ZONE 'UTC'
      FROM unnest(${waits.map((w) => w.deliveryId)}::text[], ${waits.map((w) => w.behind)}::text[])
        AS v(id, behind)
      JOIN "deliveries" AS ahead ON ahead."id" = v.behind AND ahead."order_released_at" IS NULL
      WHERE d."id" = v.id AND d."replay_requested_at" IS NULL
        AND d."status" IN (${DeliveryStatus.pending}::"DeliveryStatus", ${DeliveryStatus.retrying}::"DeliveryStatus")
      RETURNING d."id"`;
    return new Set(parked.map((row) => row.id));
  }

  /** Those of these deliveries that have ended (delivered or dead-lettered once) or no longer exist. */
  async endedAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const ended = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT v.id FROM unnest(${ids}::text[]) AS v(id)
      LEFT JOIN "deliveries" AS p ON p."id" = v.id
      WHERE p."id" IS NULL OR p."order_released_at" IS NOT NULL`;
    return new Set(ended.map((row) => row.id));
  }

  /**
   * Marks ordered deliveries as ended (delivered or dead-lettered, part of the recorder's transaction): from
   * now on they hold back nothing, whatever happens to them later (a replay is sent out of order).
   */
  endTurns(ids: readonly string[]) {
    return this.prisma.$executeRaw`
      UPDATE "deliveries" SET "order_released_at" = now() AT TIME ZONE 'UTC'
      WHERE "id" = ANY(${ids}::text[]) AND "order_released_at" IS NULL`;
  }

  /** The deliveries still waiting for any of these, with what their tasks need (their trace among it). */
  async waitersOf(ids: readonly string[]): Promise<(DueDelivery & Wait)[]> {
    const waiters = await this.prisma.$queryRaw<(Omit<DueDelivery, 'trace'> & Wait & { trace: unknown })[]>`
      SELECT "id" AS "deliveryId", "subscription_id" AS "subscriptionId", "priority", "waiting_for" AS "behind",
        "trace_context" AS "trace"
      FROM "deliveries"
      WHERE "waiting_for" = ANY(${ids}::text[])
        AND "status" IN (${DeliveryStatus.pending}::"DeliveryStatus", ${DeliveryStatus.retrying}::"DeliveryStatus")`;
    return waiters.map((row) => ({ ...row, trace: storedTraceHeaders(row.trace) }));
  }

  /**
   * Ends waits whose tasks were published: each only if it still waits for the same delivery (a wait taken
   * again behind another one stays). The row gets a lease as a claimed one does, in case its task is lost.
   */
  endWaits(waits: readonly Wait[], claimMs: number, leaseMs: number) {
    return this.prisma.$executeRaw`
      UPDATE "deliveries" AS d
      SET "waiting_for" = NULL, "updated_at" = now() AT TIME ZONE 'UTC',
        "next_attempt_at" = (now() AT TIME ZONE 'UTC') + make_interval(secs =>
          CASE WHEN d."status" = ${DeliveryStatus.pending}::"DeliveryStatus" THEN ${leaseMs / 1000}::float8 ELSE ${claimMs / 1000}::float8 END)
      FROM unnest(${waits.map((w) => w.deliveryId)}::text[], ${waits.map((w) => w.behind)}::text[])
        AS v(id, behind)
      WHERE d."id" = v.id AND d."waiting_for" = v.behind`;
  }

  /**
   * Deliveries waited for that ended (or are gone) more than `graceMs` ago while others still wait for them:
   * their release was lost (a crash between the two). At most `limit` of them.
   */
  async missedReleases(graceMs: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT w."waiting_for" AS "id"
      FROM "deliveries" AS w
      LEFT JOIN "deliveries" AS p ON p."id" = w."waiting_for"
      WHERE w."waiting_for" IS NOT NULL
        AND w."status" IN (${DeliveryStatus.pending}::"DeliveryStatus", ${DeliveryStatus.retrying}::"DeliveryStatus")
        AND (p."id" IS NULL OR p."order_released_at" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${graceMs / 1000}::float8))
      LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  /** Per subscription with per_key ordering: how many keys have a waiting delivery, and the oldest of those. */
  heldBack(): Promise<HeldBack[]> {
    return this.prisma.$queryRaw<HeldBack[]>`
      SELECT s."id" AS "subscriptionId", COALESCE(h.keys, 0)::int AS "keys", h.oldest AS "oldestCreatedAt"
      FROM "subscriptions" AS s
      LEFT JOIN (
        SELECT "subscription_id",
          count(DISTINCT ("event_category", "order_partition", "order_key")) AS keys, min("created_at") AS oldest
        FROM "deliveries"
        WHERE "waiting_for" IS NOT NULL
          AND "status" IN (${DeliveryStatus.pending}::"DeliveryStatus", ${DeliveryStatus.retrying}::"DeliveryStatus")
        GROUP BY "subscription_id"
      ) AS h ON h."subscription_id" = s."id"
      WHERE s."ordering" = ${SubscriptionOrdering.per_key}::"SubscriptionOrdering" AND s."deleted_at" IS NULL`;
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
        -- Sent (or parked for a reason of its own): it no longer waits for an earlier delivery of its key.
        "waiting_for" = NULL,
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

  /**
   * The backlog of every subscription that is not deleted. Two probes of the (subscription_id, status,
   * created_at) index per subscription, one per waiting status: the cost grows with the subscriptions, never
   * with the deliveries.
   */
  backlogBySubscription(): Promise<SubscriptionBacklog[]> {
    const oldest = (status: DeliveryStatus) => Prisma.sql`
      (SELECT min(d."created_at") FROM "deliveries" AS d
        WHERE d."subscription_id" = s."id" AND d."status" = ${status}::"DeliveryStatus")`;
    return this.prisma.$queryRaw<SubscriptionBacklog[]>`
      SELECT s."id" AS "subscriptionId",
        s."status" = ${SubscriptionStatus.active}::"SubscriptionStatus" AS "active",
        COALESCE(GREATEST(0, EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC')
          - LEAST(${oldest(DeliveryStatus.pending)}, ${oldest(DeliveryStatus.retrying)}))), 0)::float8 AS "ageSeconds"
      FROM "subscriptions" AS s
      WHERE s."deleted_at" IS NULL`;
  }

  /**
   * Retrying deliveries by due time, of the `limit` due first: one bounded walk of the (status,
   * next_attempt_at) index, so a huge queue costs no more than `limit` entries (the later buckets then
   * undercount).
   */
  async retryQueueDepth(limit: number): Promise<RetryQueueDepth> {
    const rows = await this.prisma.$queryRaw<RetryQueueDepth[]>`
      SELECT
        (count(*) FILTER (WHERE w."due" <= t."now"))::int AS "now",
        (count(*) FILTER (WHERE w."due" > t."now" AND w."due" <= t."now" + interval '1 minute'))::int AS "within_1m",
        (count(*) FILTER (WHERE w."due" > t."now" + interval '1 minute' AND w."due" <= t."now" + interval '1 hour'))::int
          AS "within_1h",
        (count(*) FILTER (WHERE w."due" > t."now" + interval '1 hour'))::int AS "later"
      FROM (
        SELECT "next_attempt_at" AS "due" FROM "deliveries"
        WHERE "status" = ${DeliveryStatus.retrying}::"DeliveryStatus"
        ORDER BY "next_attempt_at"
        LIMIT ${limit}
      ) AS w, (SELECT now() AT TIME ZONE 'UTC' AS "now") AS t`;
    // Aggregates without GROUP BY answer one row, over no rows too.
    return rows[0] as RetryQueueDepth;
  }
}
