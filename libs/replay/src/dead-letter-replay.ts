import { ReviewStatus, type Prisma, type PrismaService } from '@smart-dairy/db';
import { storedTraceHeaders, type TraceHeaders } from '@smart-dairy/tracing';

/** What a replay needs of an entry to name its delivery in a task. */
export const REPLAY_COLUMNS = {
  id: true,
  deliveryId: true,
  subscriptionId: true,
  priority: true,
} as const satisfies Prisma.DeadLetterEntrySelect;

export type ReplayRow = Prisma.DeadLetterEntryGetPayload<{ select: typeof REPLAY_COLUMNS }> & {
  /** The trace the delivery was sent in until this replay (null while tracing was off). */
  originalTrace: TraceHeaders | null;
};

/** Statuses an entry may be replayed from: never while a replay is in flight. */
export const REPLAYABLE: readonly ReviewStatus[] = [ReviewStatus.pending];

/**
 * Moves the replayable entries among `entries` to retrying and returns them, and records the replay
 * request on their deliveries in the same transaction: the dispatcher sends a replay task only while it
 * is there (docs/protocol.md#dead-letter-queue-and-replay). The move is one conditional UPDATE, so of two
 * racing replays of an entry (from the DLQ API, or a subscription's recover) exactly one changes it, and
 * only that one may send anything.
 */
export function startDeadLetterReplay(
  prisma: PrismaService,
  entries: Prisma.DeadLetterEntryWhereInput,
  now: Date,
): Promise<ReplayRow[]> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.deadLetterEntry.updateManyAndReturn({
      where: { AND: [entries, { reviewStatus: { in: [...REPLAYABLE] } }] },
      data: { reviewStatus: ReviewStatus.retrying, replayCount: { increment: 1 }, lastReplayedAt: now },
      select: REPLAY_COLUMNS,
    });
    const deliveries = await tx.delivery.updateManyAndReturn({
      where: { id: { in: rows.map((row) => row.deliveryId) } },
      data: { replayRequestedAt: now },
      select: { id: true, traceContext: true },
    });
    const traces = new Map(deliveries.map((d) => [d.id, storedTraceHeaders(d.traceContext)]));
    return rows.map((row) => ({ ...row, originalTrace: traces.get(row.deliveryId) ?? null }));
  });
}

/**
 * Takes back replays whose tasks never reached Kafka, so the entries can be replayed again, with the
 * requests made at `requestedAt` that nothing answered yet.
 */
export async function abandonDeadLetterReplay(
  prisma: PrismaService,
  rows: readonly ReplayRow[],
  requestedAt: Date,
): Promise<void> {
  await prisma.$transaction([
    prisma.deadLetterEntry.updateMany({
      where: { id: { in: rows.map((row) => row.id) }, reviewStatus: ReviewStatus.retrying },
      data: { reviewStatus: ReviewStatus.pending, replayCount: { decrement: 1 } },
    }),
    prisma.delivery.updateMany({
      where: { id: { in: rows.map((row) => row.deliveryId) }, replayRequestedAt: requestedAt },
      data: { replayRequestedAt: null },
    }),
  ]);
}
