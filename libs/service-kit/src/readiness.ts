import type { ReadinessCheck } from './tokens';

/**
 * What /ready (or /health) says about a check. Only its name and a stable reason: the raw error
 * names hosts, ports and database users, which the log keeps for operators (readiness-failure-log.ts).
 */
export type CheckResult = { ok: true } | { ok: false; reason: string };

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface CheckOutcome {
  readonly name: string;
  /** The check's stable reason for failing. */
  readonly reason: string;
  /** What the check threw; undefined when it passed. */
  readonly error?: unknown;
}

export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<CheckOutcome[]> {
  return Promise.all(
    checks.map(async ({ name, reason = 'unavailable', check }): Promise<CheckOutcome> => {
      try {
        await check();
        return { name, reason };
      } catch (error) {
        return { name, reason, error: error ?? new Error('check failed') };
      }
    }),
  );
}

export function readinessReport(outcomes: readonly CheckOutcome[]): ReadinessReport {
  const checks = Object.fromEntries(
    outcomes.map(({ name, reason, error }): [string, CheckResult] => [
      name,
      error === undefined ? { ok: true } : { ok: false, reason },
    ]),
  );
  return { ready: outcomes.every((o) => o.error === undefined), checks };
}
