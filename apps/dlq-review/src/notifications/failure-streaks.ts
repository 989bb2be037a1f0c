import type { DeliveryOutcome } from '@smart-dairy/messages';

/** A subscription's run of failed attempts reached one of the thresholds. */
export interface Crossing {
  subscriptionId: string;
  consecutiveFailures: number;
  threshold: number;
  lastErrorClass: string | null;
  /** When the attempt that reached the threshold ended. */
  at: string;
}

export interface StreakStep {
  /** The new run length of every subscription the outcomes touched; 0 ends its run. */
  counts: Map<string, number>;
  crossings: Crossing[];
}

// An attempt that reached the endpoint and failed; `parked` deliveries were not attempted at all.
const FAILED: ReadonlySet<DeliveryOutcome['outcome']> = new Set(['retry_scheduled', 'dead_lettered']);

/**
 * Follows consecutive failed attempts per subscription through outcomes in the order they were
 * recorded: a delivered attempt ends the run, a failed one extends it, and reaching a threshold
 * (ascending, each reached once per run) is a crossing.
 */
export function advanceStreaks(
  current: ReadonlyMap<string, number>,
  outcomes: readonly DeliveryOutcome[],
  thresholds: readonly number[],
): StreakStep {
  const counts = new Map<string, number>();
  const crossings: Crossing[] = [];
  for (const outcome of outcomes) {
    const { subscriptionId } = outcome;
    const before = counts.get(subscriptionId) ?? current.get(subscriptionId) ?? 0;
    if (outcome.outcome === 'delivered') {
      counts.set(subscriptionId, 0);
      continue;
    }
    if (!FAILED.has(outcome.outcome)) continue;
    const after = before + 1;
    counts.set(subscriptionId, after);
    if (thresholds.includes(after)) {
      crossings.push({
        subscriptionId,
        consecutiveFailures: after,
        threshold: after,
        lastErrorClass: outcome.errorClass,
        at: outcome.at,
      });
    }
  }
  return { counts, crossings };
}

/**
 * The run lengths of this replica's subscriptions. Outcomes are keyed by subscription id, so one
 * subscription's outcomes all reach the one replica reading its partition; the counts live in memory
 * and restart from zero with the process.
 */
export class FailureStreaks {
  private readonly counts = new Map<string, number>();

  constructor(private readonly thresholds: readonly number[]) {}

  /**
   * Computes the next counts without applying them: `commit` once the crossings are published, so a
   * batch that fails and is read again is not counted twice.
   */
  advance(outcomes: readonly DeliveryOutcome[]): { crossings: Crossing[]; commit: () => void } {
    const step = advanceStreaks(this.counts, outcomes, this.thresholds);
    return {
      crossings: step.crossings,
      commit: () => {
        for (const [subscriptionId, count] of step.counts) {
          if (count === 0) this.counts.delete(subscriptionId);
          else this.counts.set(subscriptionId, count);
        }
      },
    };
  }
}
