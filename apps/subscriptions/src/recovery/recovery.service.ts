import { Inject, Injectable } from '@nestjs/common';
import {
  DeliveryStatus,
  Prisma,
  PrismaService,
  SubscriptionStatus,
  utcTimestamp,
  type Priority,
} from '@smart-dairy/db';
import { ProblemError } from '@smart-dairy/http-problem';
import { KafkaClient } from '@smart-dairy/kafka';
import {
  abandonDeadLetterReplay,
  publishResends,
  resendOf,
  retryRequest,
  startDeadLetterReplay,
} from '@smart-dairy/replay';
import { auditEntry } from '../audit/audit-entry';
import { ARRIVAL_JOIN, ARRIVAL_ORDER } from '../backlog/arrival-order';
import { inSubscriptionTurn } from '../backlog/subscription-turn';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import { pendingLeaseEnd } from '../deliveries/pending-lease';
import type { Actor } from '../http/actor';
import { liveSubscription } from '../subscriptions/live-subscription';
import { recoveryWindow, type RecoveryWindow } from './recovery-window';
import type { RecoverInput, RecoveryView } from './recovery.schemas';

const { retrying, dead_lettered, waiting } = DeliveryStatus;

/** What a recover sends again: every delivery that has neither succeeded nor is on its way or discarded. */
const RECOVERABLE = [retrying, dead_lettered, waiting] as const;
type Recoverable = (typeof RECOVERABLE)[number];

/** A delivery of the window, with where it stands in order of arrival. */
interface Candidate {
  id: string;
  subscriptionId: string;
  priority: Priority;
  status: Recoverable;
  createdAt: Date;
  sourcePartition: number;
  sourceOffset: string;
  traceContext: unknown;
}

/**
 * `POST /v1/subscriptions/{id}/recover`: after a partner's outage, every delivery of a time window that
 * did not succeed is sent again, once each, oldest first, as the next attempt of the same delivery id
 * (docs/protocol.md#dead-letter-queue-and-replay). REDELIVERY_BATCH_SIZE deliveries at a time, each
 * batch's writes committed before its tasks are published, in the subscription's turn.
 *
 * A dead letter moves its DLQ entry to retrying exactly as a DLQ replay does (`startDeadLetterReplay`), so
 * of a recover and a DLQ replay racing for one entry only one sends it (the replay gets 409). A retrying or
 * waiting delivery gets a retry request, as a manual retry gives (`retryRequest`), unless one is pending
 * already. Both changes are conditional, so recovers of overlapping windows send each delivery once.
 * Each one sent starts a new trace linked to its delivery's while tracing is on (`publishResends`).
 */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
  ) {}

  async recover(subscriptionId: string, input: RecoverInput, actor: Actor): Promise<RecoveryView> {
    const subscription = await liveSubscription(this.prisma, subscriptionId);
    if (subscription.status !== SubscriptionStatus.active) {
      throw new ProblemError(
        'conflict',
        'The subscription is disabled: enabling it sends what waited meanwhile; recover after that.',
      );
    }
    const window = recoveryWindow(input, new Date(), this.config.RECOVER_MAX_AGE_DAYS);
    const recovered: Record<Recoverable, number> = { retrying: 0, dead_lettered: 0, waiting: 0 };
    let skipped = 0;
    let after: Candidate | undefined;
    for (;;) {
      const batch = await this.candidates(subscriptionId, window, after);
      if (batch.length === 0) break;
      const sent = await inSubscriptionTurn(this.prisma, subscriptionId, () => this.sendAgain(batch));
      for (const delivery of batch) {
        if (sent.has(delivery.id)) recovered[delivery.status] += 1;
        else skipped += 1;
      }
      after = batch[batch.length - 1];
      if (batch.length < this.config.REDELIVERY_BATCH_SIZE) break;
    }
    const view: RecoveryView = {
      subscription_id: subscriptionId,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      recovered,
      skipped,
    };
    const { since, until } = view;
    await this.prisma.auditLogEntry.create({
      data: auditEntry(actor, 'subscription.recovered', 'subscription', subscriptionId, {
        since,
        until,
        recovered,
        skipped,
      }),
    });
    return view;
  }

  /** The next batch of the window in order of arrival, after the last one (a dead letter stays dead-lettered). */
  private candidates(
    subscriptionId: string,
    { since, until }: RecoveryWindow,
    after: Candidate | undefined,
  ): Promise<Candidate[]> {
    return this.prisma.$queryRaw<Candidate[]>`
      SELECT d."id", d."subscription_id" AS "subscriptionId", d."priority"::text AS "priority",
        d."status"::text AS "status", d."created_at" AS "createdAt", e."source_partition" AS "sourcePartition",
        e."source_offset" AS "sourceOffset",
        d."trace_context" AS "traceContext"
      FROM "deliveries" AS d ${ARRIVAL_JOIN}
      WHERE d."subscription_id" = ${subscriptionId} AND d."status"::text = ANY(${[...RECOVERABLE]}::text[])
        AND d."created_at" >= ${utcTimestamp(since)} AND d."created_at" < ${utcTimestamp(until)}
        ${
          after
            ? Prisma.sql`AND (${ARRIVAL_ORDER}) >
                (${utcTimestamp(after.createdAt)}, ${after.sourcePartition}, ${after.sourceOffset}::numeric, ${after.id})`
            : Prisma.empty
        }
      ORDER BY ${ARRIVAL_ORDER}
      LIMIT ${this.config.REDELIVERY_BATCH_SIZE}`;
  }

  /** Requests what it can of the batch and publishes the replay tasks, in the batch's order; returns their ids. */
  private async sendAgain(batch: readonly Candidate[]): Promise<Set<string>> {
    const now = new Date();
    const idsOf = (...statuses: Recoverable[]) =>
      batch.filter((d) => statuses.includes(d.status)).map((d) => d.id);
    const deadLetters = idsOf(dead_lettered);
    const replays =
      deadLetters.length === 0
        ? []
        : await startDeadLetterReplay(this.prisma, { deliveryId: { in: deadLetters } }, now);
    const others = idsOf(retrying, waiting);
    const retried =
      others.length === 0
        ? []
        : await this.prisma.delivery.updateManyAndReturn({
            where: { id: { in: others }, status: { in: [retrying, waiting] }, replayRequestedAt: null },
            data: retryRequest(now, pendingLeaseEnd(this.config, now.getTime())),
            select: { id: true },
          });
    const sent = new Set([...replays.map((row) => row.deliveryId), ...retried.map((row) => row.id)]);
    try {
      await publishResends(
        this.prisma,
        this.kafka,
        'recover',
        batch.filter((d) => sent.has(d.id)).map(resendOf),
      );
    } catch (error) {
      // The retried deliveries are pending, handed out again when their lease ends; the dead letters'
      // entries go back to pending, to be replayed again from here or the DLQ.
      await abandonDeadLetterReplay(this.prisma, replays, now);
      throw error;
    }
    return sent;
  }
}
