import type { Logger } from './logger';

interface Failing {
  loggedAt: number;
  suppressed: number;
}

/**
 * Logs the raw errors /ready keeps to itself, without letting a probe that polls every few seconds
 * flood the log: the first failure of a check, then one line per interval while it keeps failing
 * (the latest error, and how many were left out), and the recovery. Not on every new message: a
 * driver's errors can alternate between two texts for the same outage.
 */
export class ReadinessFailureLog {
  private readonly failing = new Map<string, Failing>();

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(check: string, error: unknown): void {
    const state = this.failing.get(check);
    if (error === undefined) {
      if (state) this.logger.info({ check }, `readiness check ${check} passes again`);
      this.failing.delete(check);
      return;
    }
    const now = this.now();
    if (state && now - state.loggedAt < this.intervalMs) {
      state.suppressed++;
      return;
    }
    this.logger.warn(
      { check, err: error, suppressed: state?.suppressed ?? 0 },
      `readiness check ${check} fails`,
    );
    this.failing.set(check, { loggedAt: now, suppressed: 0 });
  }
}
