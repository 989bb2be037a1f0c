import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepStep } from './retention-sweep';

/** A step's answer, or `locked`: another replica is sweeping the same table right now. */
export type StepOutcome = SweepStep | 'locked';

export interface SweepOutcome {
  deleted: number;
  /** The walk reached the end of its scope (not stopped by shutdown or by another replica). */
  complete: boolean;
}

export interface StepPacing {
  /** The shortest pause between two steps. */
  pauseMs: number;
  /** The share of the time steps may take: a step of t ms is followed by at least t x (1 - share) / share. */
  busyShare: number;
  stopping: AbortSignal;
  now?: () => number;
}

/**
 * Walks a sweep step by step, each starting after the key where the previous one ended, with a pause
 * between steps that leaves the database to the delivery path: the longer a step took (a loaded database),
 * the longer the pause. It ends when nothing is left, when another replica holds the table's lock (that
 * replica goes on with the work), or when the service stops.
 */
export async function sweepInSteps(
  step: (after: string[] | undefined) => Promise<StepOutcome>,
  { pauseMs, busyShare, stopping, now = performance.now.bind(performance) }: StepPacing,
): Promise<SweepOutcome> {
  let deleted = 0;
  let after: string[] | undefined;
  for (;;) {
    if (stopping.aborted) return { deleted, complete: false };
    const started = now();
    const outcome = await step(after);
    const tookMs = now() - started;
    if (outcome === 'locked') return { deleted, complete: false };
    deleted += outcome.deleted;
    if (outcome.next === undefined) return { deleted, complete: true };
    after = outcome.next;
    const pause = Math.max(pauseMs, (tookMs * (1 - busyShare)) / busyShare);
    if (pause > 0) await sleep(pause);
  }
}
