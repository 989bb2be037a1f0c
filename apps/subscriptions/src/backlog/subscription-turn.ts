import type { PrismaService } from '@smart-dairy/db';

/**
 * Runs `work` (one batch of a subscription's old deliveries handed out again: a released backlog, a
 * recovered window) in the subscription's turn, so that batches of one subscription reach its delivery
 * topic in order whichever replica, job or request hands them out.
 *
 * The turn is a transaction-level advisory lock, held by a transaction of its own that does nothing else:
 * the batch's writes must commit before its tasks are published (the dispatcher skips a task whose row
 * does not say it is to be sent yet), and the next batch must not be claimed before they are. A batch
 * outliving the transaction's time limit (DATABASE_QUERY_TIMEOUT_MS) loses the turn early and fails; what
 * it committed stands, and its tasks are handed out again by their lease (PENDING_DELIVERY_LEASE_MS).
 */
export function inSubscriptionTurn<T>(
  prisma: PrismaService,
  subscriptionId: string,
  work: () => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`subscription-turn:${subscriptionId}`}, 0))`;
    return work();
  });
}
