import { DeliveryStatus } from '@smart-dairy/db';
import type { AttemptWrite } from '../deliveries/attempt-write';
import type { DeliveryRow, Wait } from '../deliveries/deliveries.repository';

/**
 * Ordered delivery per key (docs/protocol.md#ordered-delivery) as three rules over what Postgres holds: a
 * delivery waits while an earlier one of its key has not ended, a delivered or dead-lettered delivery ends
 * its turn, and nothing else does. Postgres keeps the state (`deliveries.waiting_for`, `order_released_at`),
 * so a crash loses nothing but a release, which is found again (ordering-sweeper.ts).
 */
export type Turn = { kind: 'go' } | { kind: 'wait'; behind: string };

const GO: Turn = { kind: 'go' };

/**
 * Whether a delivery about to be sent goes now or waits behind `precededBy`, the latest earlier delivery of
 * its key that has not ended. A replay or manual retry goes at once: it is sent out of order, on request. A
 * delivery that is not waiting to be sent is not ordering's concern.
 */
export function turnOf(row: Pick<DeliveryRow, 'status' | 'replayRequestedAt' | 'precededBy'>): Turn {
  if (row.precededBy === null || row.replayRequestedAt !== null) return GO;
  if (row.status !== DeliveryStatus.pending && row.status !== DeliveryStatus.retrying) return GO;
  return { kind: 'wait', behind: row.precededBy };
}

/** The deliveries among these rows that must wait, each behind the one it waits for. */
export function waitsAmong(rows: Iterable<DeliveryRow>): Wait[] {
  const waits: Wait[] = [];
  for (const row of rows) {
    const turn = turnOf(row);
    if (turn.kind === 'wait') waits.push({ deliveryId: row.deliveryId, behind: turn.behind });
  }
  return waits;
}

/**
 * The ordered deliveries these writes end, delivered or dead-lettered: each lets the next of its key go. A
 * retry or a parking keeps the key waiting, whatever its reason (breaker, disabled subscription, backlog).
 */
export function turnsEnded(writes: readonly AttemptWrite[]): string[] {
  const ended = new Set<string>();
  for (const { delivery, next } of writes) {
    if (delivery.orderingKey !== null && (next.status === 'delivered' || next.status === 'dead_lettered')) {
      ended.add(delivery.deliveryId);
    }
  }
  return [...ended];
}
