import { DeliveryStatus, type Prisma } from '@smart-dairy/db';

/**
 * A delivery asked to be sent again now, as its next attempt under the same id (a manual retry, or a
 * recover of a subscription's window): back to pending with the request recorded, so the dispatcher
 * sends it whatever task reaches it first, with a fresh retry budget. The lease hands it out again if
 * its task is lost between Postgres and Kafka (PENDING_DELIVERY_LEASE_MS). For an ordered subscription it
 * no longer waits for an earlier delivery of its key: it is sent now, out of order
 * (docs/protocol.md#ordered-delivery).
 */
export function retryRequest(now: Date, leaseEnd: Date): Prisma.DeliveryUpdateManyMutationInput {
  return {
    status: DeliveryStatus.pending,
    nextAttemptAt: leaseEnd,
    replayRequestedAt: now,
    waitingFor: null,
  };
}
