import { Injectable } from '@nestjs/common';
import { DeliveryStatus, PrismaService, type Prisma } from '@smart-dairy/db';
import { liveSubscription } from '../subscriptions/live-subscription';
import type { StatsView, StatsWindow } from './stats.schemas';

/**
 * Delivery statistics over a window (docs/architecture.md#subscriptions-api): the deliveries created in it,
 * counted by their current status, and their failed attempts; and the backlog, whatever its age.
 */
@Injectable()
export class StatsService {
  constructor(private readonly prisma: PrismaService) {}

  async stats({ since, until }: StatsWindow, subscriptionId?: string): Promise<StatsView> {
    if (subscriptionId !== undefined) await liveSubscription(this.prisma, subscriptionId);
    const deliveries: Prisma.DeliveryWhereInput = { subscriptionId, createdAt: { gte: since, lt: until } };
    const [byStatus, failedAttempts, backlog] = await Promise.all([
      this.prisma.delivery.groupBy({ by: ['status'], where: deliveries, _count: { _all: true } }),
      this.prisma.deliveryAttempt.count({
        where: {
          delivery: deliveries,
          OR: [{ statusCode: null }, { statusCode: { lt: 200 } }, { statusCode: { gte: 300 } }],
        },
      }),
      this.prisma.delivery.count({ where: { subscriptionId, status: DeliveryStatus.waiting } }),
    ]);
    const counts = Object.fromEntries(byStatus.map((row) => [row.status, row._count._all]));
    const count = (status: DeliveryStatus): number => counts[status] ?? 0;
    return {
      subscription_id: subscriptionId ?? null,
      since: since.toISOString(),
      until: until.toISOString(),
      total: byStatus.reduce((sum, row) => sum + row._count._all, 0),
      pending: count(DeliveryStatus.pending),
      delivered: count(DeliveryStatus.delivered),
      retrying: count(DeliveryStatus.retrying),
      dead_lettered: count(DeliveryStatus.dead_lettered),
      waiting: count(DeliveryStatus.waiting),
      discarded: count(DeliveryStatus.discarded),
      backlog,
      failed_attempts: failedAttempts,
      success_rate: successRate(
        count(DeliveryStatus.delivered),
        count(DeliveryStatus.retrying) + count(DeliveryStatus.dead_lettered),
      ),
    };
  }
}

/** Pending deliveries are not counted either way: nothing is known about them yet. */
export function successRate(delivered: number, unsuccessful: number): number | null {
  const settled = delivered + unsuccessful;
  return settled === 0 ? null : delivered / settled;
}
