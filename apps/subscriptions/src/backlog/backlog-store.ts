import { Inject, Injectable } from '@nestjs/common';
import {
  DeliveryStatus,
  PrismaService,
  SubscriptionStatus,
  utcTimestamp,
  type Prisma,
} from '@smart-dairy/db';
import type { DeliveryTask } from '@smart-dairy/messages';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import { ARRIVAL_JOIN, ARRIVAL_ORDER } from './arrival-order';

/** A subscription whose waiting deliveries are due to be sent or discarded. */
export interface DueBacklog {
  id: string;
  status: SubscriptionStatus;
  deletedAt: Date | null;
  backlogDueAt: Date;
}

/** Why a waiting delivery was never sent, as its `last_error` says. */
export const DISCARDED_BECAUSE = {
  enabled: 'discarded: the backlog was discarded when the subscription was enabled',
  deleted: 'discarded: the subscription was deleted',
} as const;

type Db = Pick<Prisma.TransactionClient, 'delivery' | '$executeRaw'>;

/**
 * The backlog of a subscription: the deliveries made `waiting` while it was disabled
 * (docs/architecture.md#subscriptions-api), and the mark that says they are due to leave that state.
 */
@Injectable()
export class BacklogStore {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
  ) {}

  /** Marks the subscription's backlog due, in the transaction that enables or deletes it. */
  async markDue(tx: Db, subscriptionId: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE "subscriptions" SET "backlog_due_at" = now() AT TIME ZONE 'UTC' WHERE "id" = ${subscriptionId}`;
  }

  dueBacklogs(): Promise<DueBacklog[]> {
    return this.prisma.subscription.findMany({
      where: { backlogDueAt: { not: null } },
      select: { id: true, status: true, deletedAt: true, backlogDueAt: true },
      orderBy: { backlogDueAt: 'asc' },
    }) as Promise<DueBacklog[]>;
  }

  /**
   * Clears the mark, unless the subscription was enabled or deleted again since `dueAt`. Not through
   * Prisma's update: `updated_at` is what guards concurrent changes of the subscription, and this is none.
   */
  async settled({ id, backlogDueAt }: DueBacklog): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "subscriptions" SET "backlog_due_at" = NULL
      WHERE "id" = ${id} AND "backlog_due_at" = ${utcTimestamp(backlogDueAt)}`;
  }

  /** Discards every waiting delivery of a subscription, REDELIVERY_BATCH_SIZE per statement; returns how many. */
  async discardInBatches(subscriptionId: string, why: string): Promise<number> {
    const batchSize = this.config.REDELIVERY_BATCH_SIZE;
    let discarded = 0;
    for (;;) {
      const count = await this.discard(this.prisma, subscriptionId, why, batchSize);
      discarded += count;
      if (count < batchSize) return discarded;
    }
  }

  /**
   * Makes the first `limit` waiting deliveries of an enabled subscription, in order of arrival, pending with a
   * lease, and returns their tasks in that order: the caller's to publish. Nothing while the subscription is
   * disabled or deleted, checked as the rows are locked.
   */
  release(subscriptionId: string, limit: number, leaseEnd: Date): Promise<DeliveryTask[]> {
    return this.prisma.$transaction(async (tx) => {
      const tasks = await tx.$queryRaw<DeliveryTask[]>`
        SELECT d."id" AS "deliveryId", d."subscription_id" AS "subscriptionId", d."priority"::text AS "priority"
        FROM "deliveries" AS d ${ARRIVAL_JOIN}
        WHERE d."subscription_id" = ${subscriptionId} AND d."status" = ${DeliveryStatus.waiting}::"DeliveryStatus"
          AND EXISTS (
            SELECT 1 FROM "subscriptions"
            WHERE "id" = ${subscriptionId} AND "status" = ${SubscriptionStatus.active}::"SubscriptionStatus"
              AND "deleted_at" IS NULL)
        ORDER BY ${ARRIVAL_ORDER}
        LIMIT ${limit}
        FOR UPDATE OF d`;
      await tx.delivery.updateMany({
        where: { id: { in: tasks.map((t) => t.deliveryId) } },
        data: { status: DeliveryStatus.pending, nextAttemptAt: leaseEnd },
      });
      return tasks;
    });
  }

  /**
   * Ends waiting deliveries of a subscription as `discarded`: at most `limit` of them, or all of them
   * without a limit (inside the transaction that enables it, where only the last few are left). Each
   * ends its turn in its key's order, or the later deliveries of an ordered key would wait for it forever.
   */
  async discard(db: Db, subscriptionId: string, why: string, limit?: number): Promise<number> {
    const { count } = await db.delivery.updateMany({
      where: { subscriptionId, status: DeliveryStatus.waiting },
      data: {
        status: DeliveryStatus.discarded,
        nextAttemptAt: null,
        lastError: why,
        orderReleasedAt: new Date(),
      },
      limit,
    });
    return count;
  }
}
