import type { AttemptClassification } from './classify';
import { nextRetry, type RandomSource, type RetrySchedule } from './retry-schedule';

export type DeliveryDecision =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead_letter'; reason: 'terminal' | 'exhausted' };

export interface DecisionInput {
  classification: AttemptClassification;
  /** The attempt that just ended, 1-based across the delivery's whole life. */
  attempt: number;
  /** Attempts made before the current retry budget started (a replay starts a fresh budget). */
  budgetBase: number;
  schedule: RetrySchedule;
  random: RandomSource;
}

/** What happens to a delivery after an attempt: the classification meets the retry budget. */
export function decideNext({
  classification,
  attempt,
  budgetBase,
  schedule,
  random,
}: DecisionInput): DeliveryDecision {
  if (classification.verdict === 'delivered') return { kind: 'delivered' };
  if (classification.verdict === 'terminal') return { kind: 'dead_letter', reason: 'terminal' };
  const retry = nextRetry({
    attempt: attempt - budgetBase,
    schedule,
    random,
    retryAfterMs: classification.retryAfterMs,
  });
  return retry === 'exhausted'
    ? { kind: 'dead_letter', reason: 'exhausted' }
    : { kind: 'retry', delayMs: retry.delayMs };
}
