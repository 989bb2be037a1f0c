import type { AttemptWrite } from '../deliveries/attempt-write';

/**
 * The writes whose outcome goes to `deliveries.outcomes`: only those dlq-review acts on
 * (docs/architecture.md#6-dead-letters-outcomes-and-replays), so a healthy endpoint's deliveries publish
 * nothing there.
 *
 * - Every failed attempt: it extends its subscription's run of failures (`system.endpoint_failing`).
 * - A success that ends such a run: the subscription was failing before this batch (`endedRuns`, from
 *   Postgres) or failed within it.
 * - A success of a delivery that failed before (not its first attempt) or that answers a replay request:
 *   it may resolve a dead letter entry.
 *
 * Parkings and dead letters without an attempt are not attempts: nobody counts them.
 */
export function neededOutcomes(
  writes: readonly AttemptWrite[],
  endedRuns: ReadonlySet<string>,
): AttemptWrite[] {
  const failing = new Set(endedRuns);
  for (const w of writes)
    if (w.attempt && w.next.status !== 'delivered') failing.add(w.delivery.subscriptionId);
  return writes.filter((w) => {
    if (!w.attempt) return false;
    if (w.next.status !== 'delivered') return true;
    return w.attempt.number > 1 || w.replayRequestedAt !== null || failing.has(w.delivery.subscriptionId);
  });
}
