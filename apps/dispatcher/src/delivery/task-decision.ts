import { DeliveryStatus } from '@smart-dairy/db';
import type { DeliveryTask } from '@smart-dairy/messages';
import type { DeliveryRow, StoredDelivery } from '../deliveries/deliveries.repository';

/** Why a task was refused: it names something Postgres does not vouch for. */
export const TASK_REJECTIONS = ['unknown_delivery', 'subscription_mismatch', 'replay_not_requested'] as const;
export type TaskRejection = (typeof TASK_REJECTIONS)[number];

/** Where a delivery's attempts stand when it is sent, and the replay request the send answers. */
export interface DeliveryState {
  attemptCount: number;
  budgetBase: number;
  replayRequestedAt: Date | null;
}

export type TaskDecision =
  /** Sent with what Postgres holds: the task contributes nothing to it. */
  | { kind: 'send'; delivery: StoredDelivery; state: DeliveryState }
  /** The delivery has ended and nobody asked for it again: a task read twice, nothing to do. */
  | { kind: 'skip' }
  | { kind: 'reject'; reason: TaskRejection };

/**
 * Whether a delivery task is sent, decided by its row alone (docs/protocol.md#dead-letter-queue-and-replay):
 * a task is a pointer, and anyone able to write to a delivery topic can write one.
 *
 * - The delivery must exist and belong to the subscription the task names.
 * - A replay or manual retry recorded on the row is sent as the next attempt, with a fresh retry budget,
 *   whatever the delivery's status and whichever task points at it first.
 * - A task marked `replay` with no such request is refused: the request was answered already, or never
 *   made.
 * - Otherwise a delivery is sent only while it waits (`pending` or `retrying`).
 */
export function decideTask(task: DeliveryTask, row: DeliveryRow | undefined): TaskDecision {
  if (!row) return { kind: 'reject', reason: 'unknown_delivery' };
  if (row.subscriptionId !== task.subscriptionId) return { kind: 'reject', reason: 'subscription_mismatch' };
  // Whether it must wait for an earlier delivery of its key is the ordering's to decide (ordering/turns.ts).
  const { status, attemptCount, retryBudgetBase, replayRequestedAt, precededBy: _turn, ...delivery } = row;
  if (replayRequestedAt !== null) {
    return { kind: 'send', delivery, state: { attemptCount, budgetBase: attemptCount, replayRequestedAt } };
  }
  if (task.replay) return { kind: 'reject', reason: 'replay_not_requested' };
  if (status === DeliveryStatus.pending || status === DeliveryStatus.retrying) {
    return {
      kind: 'send',
      delivery,
      state: { attemptCount, budgetBase: retryBudgetBase, replayRequestedAt: null },
    };
  }
  return { kind: 'skip' };
}
