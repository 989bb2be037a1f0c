import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepStep } from './retention-sweep';

/** A step's answer, or `locked`: another replica is sweeping the same table right now. */
export type StepOutcome = SweepStep | 'locked';

export interface SweepOutcome {
  deleted: number;
  /** The walk reached the end of its scope (not stopped by shutdown or by another replica). */
  complete: boolean;
}

/**
 * Walks a sweep step by step, each starting after the key where the previous one ended, with a pause
 * between steps that leaves the database to the delivery path. It ends when nothing is left, when another
 * replica holds the table's lock (that replica goes on with the work), or when the service stops.
 */
export async function sweepInSteps(
  step: (after: string[] | undefined) => Promise<StepOutcome>,
  { pauseMs, stopping }: { pauseMs: number; stopping: AbortSignal },
): Promise<SweepOutcome> {
  let deleted = 0;
  let after: string[] | undefined;
  for (;;) {
    if (stopping.aborted) return { deleted, complete: false };
    const outcome = await step(after);
    if (outcome === 'locked') return { deleted, complete: false };
    deleted += outcome.deleted;
    if (outcome.next === undefined) return { deleted, complete: true };
    after = outcome.next;
    if (pauseMs > 0) await sleep(pauseMs);
  }
}
