import { DeliveryStatus, Prisma, SubscriptionStatus, utcTimestamp } from '@smart-dairy/db';
import type { RetentionSweep } from '@smart-dairy/service-kit';
import type { DispatcherConfig } from '../config';

/**
 * Statuses of a delivery that waits for its disabled subscription to be enabled again: parked as a retry,
 * not taken yet, or made while it was disabled (`waiting`).
 */
export const DISABLED_BACKLOG_STATUSES: readonly DeliveryStatus[] = [
  DeliveryStatus.pending,
  DeliveryStatus.retrying,
  DeliveryStatus.waiting,
];

/**
 * Statuses that end a delivery with nothing left to review, deleted DELIVERED_RETENTION_MS after their
 * last change: sent, or `discarded` (a waiting delivery that will never be sent).
 */
export const DONE_STATUSES: readonly DeliveryStatus[] = [DeliveryStatus.delivered, DeliveryStatus.discarded];

type RetentionPeriods = Pick<
  DispatcherConfig,
  | 'DELIVERED_RETENTION_MS'
  | 'DEAD_LETTERED_RETENTION_MS'
  | 'DELETED_SUBSCRIPTION_RETENTION_MS'
  | 'DISABLED_BACKLOG_RETENTION_MS'
>;

/** The instant before which each kind of delivery is deleted, at `now`. */
export interface DeliveryCutoffs {
  delivered: Date;
  deadLettered: Date;
  deletedSubscription: Date;
  disabledBacklog: Date;
}

export function deliveryCutoffs(periods: RetentionPeriods, now: Date): DeliveryCutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms);
  return {
    delivered: before(periods.DELIVERED_RETENTION_MS),
    deadLettered: before(periods.DEAD_LETTERED_RETENTION_MS),
    deletedSubscription: before(periods.DELETED_SUBSCRIPTION_RETENTION_MS),
    disabledBacklog: before(periods.DISABLED_BACKLOG_RETENTION_MS),
  };
}

/**
 * Every delivery that is due is older than the latest cutoff: a row is created before it is delivered,
 * dead-lettered or left waiting, and before its subscription is deleted (give or take the services' cache
 * of subscriptions, which later runs make up for). So the sweep walks `created_at`, an index the stats
 * already need, up to that cutoff.
 */
export function latestCutoff(cutoffs: DeliveryCutoffs): Date {
  return new Date(Math.max(...Object.values(cutoffs).map((at: Date) => at.getTime())));
}

/**
 * The dispatcher owns `deliveries` (their attempts cascade): delivered ones, dead-lettered ones whose
 * entry in the dead letter queue is gone, those of deleted subscriptions, and those left waiting for a
 * subscription disabled for the period.
 */
export function deliveriesSweep(periods: RetentionPeriods): RetentionSweep {
  return {
    table: 'deliveries',
    key: [
      { column: 'created_at', type: 'timestamp' },
      { column: 'id', type: 'text' },
    ],
    join: Prisma.sql`JOIN "subscriptions" AS s ON s."id" = t."subscription_id"`,
    scope: (now) => Prisma.sql`t."created_at" < ${utcTimestamp(latestCutoff(deliveryCutoffs(periods, now)))}`,
    due: (now) => {
      const cutoff = deliveryCutoffs(periods, now);
      const statusIn = (statuses: readonly DeliveryStatus[]) =>
        Prisma.sql`t."status" = ANY(${[...statuses]}::"DeliveryStatus"[])`;
      return Prisma.sql`
        (${statusIn(DONE_STATUSES)} AND t."updated_at" < ${utcTimestamp(cutoff.delivered)})
        OR (${statusIn([DeliveryStatus.dead_lettered])} AND t."updated_at" < ${utcTimestamp(cutoff.deadLettered)}
          AND NOT EXISTS (SELECT 1 FROM "dead_letter_entries" AS e WHERE e."delivery_id" = t."id"))
        OR (s."deleted_at" < ${utcTimestamp(cutoff.deletedSubscription)}
          AND t."created_at" < ${utcTimestamp(cutoff.deletedSubscription)})
        OR (s."deleted_at" IS NULL AND s."status" = ${SubscriptionStatus.disabled}::"SubscriptionStatus"
          AND s."disabled_at" < ${utcTimestamp(cutoff.disabledBacklog)}
          AND t."created_at" < ${utcTimestamp(cutoff.disabledBacklog)}
          AND ${statusIn(DISABLED_BACKLOG_STATUSES)})`;
    },
  };
}
