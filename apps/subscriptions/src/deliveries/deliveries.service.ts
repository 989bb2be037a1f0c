import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { NotFoundProblem, ProblemError } from '@smart-dairy/http-problem';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishResends, resendOf, retryRequest } from '@smart-dairy/replay';
import { auditEntry } from '../audit/audit-entry';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import type { Actor } from '../http/actor';
import { NEWEST_FIRST, after, toPage, type Page } from '../http/pagination';
import { liveSubscription } from '../subscriptions/live-subscription';
import { attemptView, deliveryView } from './delivery-view';
import { pendingLeaseEnd } from './pending-lease';
import {
  DELIVERY_ID,
  type DeliveryDetailView,
  type DeliveryView,
  type ListDeliveriesInput,
} from './delivery.schemas';

@Injectable()
export class DeliveriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
  ) {}

  async list(subscriptionId: string, query: ListDeliveriesInput): Promise<Page<DeliveryView>> {
    await liveSubscription(this.prisma, subscriptionId);
    const { status, event_type, since, until, limit, cursor } = query;
    const rows = await this.prisma.delivery.findMany({
      where: {
        subscriptionId,
        status,
        eventType: event_type,
        createdAt: {
          gte: since === undefined ? undefined : new Date(since),
          lt: until === undefined ? undefined : new Date(until),
        },
        ...after(cursor),
      },
      orderBy: [...NEWEST_FIRST],
      take: limit + 1,
    });
    return toPage(rows, limit, deliveryView);
  }

  async get(id: string): Promise<DeliveryDetailView> {
    const row = DELIVERY_ID.test(id)
      ? await this.prisma.delivery.findUnique({
          where: { id },
          include: { attempts: { orderBy: { attempt: 'asc' } } },
        })
      : null;
    if (!row) throw notFound(id);
    const { attempts, ...delivery } = row;
    return { ...deliveryView(delivery), attempts: attempts.map(attemptView) };
  }

  /**
   * Records a retry request on the delivery (docs/protocol.md#dead-letter-queue-and-replay), puts it back
   * to pending and hands the dispatcher a replay task for it, which it sends even if the delivery had
   * ended, as the next attempt of the same id. The row changes first: a task sent first could be
   * delivered and then overwritten back to pending, or find no request and be refused. While tracing is
   * on, the retry starts a new trace linked to the delivery's, and the row keeps the new one for the
   * retries that may follow.
   */
  async retry(id: string, actor: Actor): Promise<DeliveryView> {
    const found = DELIVERY_ID.test(id)
      ? await this.prisma.delivery.findUnique({ where: { id }, include: { subscription: true } })
      : null;
    if (!found) throw notFound(id);
    const { subscription } = found;
    if (subscription.deletedAt !== null) {
      throw new ProblemError('conflict', 'The subscription of this delivery was deleted.');
    }
    if (subscription.status !== SubscriptionStatus.active) {
      throw new ProblemError('conflict', 'The subscription is disabled: enable it before retrying.');
    }
    const now = new Date();
    const [row] = await this.prisma.$transaction([
      this.prisma.delivery.update({
        where: { id },
        data: retryRequest(now, pendingLeaseEnd(this.config, now.getTime())),
      }),
      this.prisma.auditLogEntry.create({
        data: auditEntry(actor, 'delivery.retried', 'delivery', id, { previous_status: found.status }),
      }),
    ]);
    await publishResends(this.prisma, this.kafka, 'manual_retry', [resendOf(found)]);
    return deliveryView(row);
  }
}

function notFound(id: string): NotFoundProblem {
  return new NotFoundProblem(`Delivery ${JSON.stringify(id)} not found.`);
}
