import type { OnApplicationBootstrap } from '@nestjs/common';
import type { PeriodicJobs } from './periodic-jobs';

/**
 * The most a count behind a refreshed gauge reads: its query walks at most this many index entries however
 * large the table grew, and the gauge then reads "at least" this many (docs/monitoring.md).
 */
export const GAUGE_COUNT_LIMIT = 100_000;

/**
 * Gauges whose values need a database query, refreshed by a periodic job once at start and then every
 * `everyMs`, never while /metrics is scraped: how often Postgres is asked is the service's setting
 * (METRICS_REFRESH_INTERVAL_MS), not the number of scrapers or their interval. 0 turns them off.
 */
export abstract class RefreshedGauges implements OnApplicationBootstrap {
  protected constructor(
    private readonly jobs: PeriodicJobs,
    private readonly name: string,
    private readonly everyMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.everyMs === 0) return;
    const job = { name: this.name, run: () => this.refresh() };
    void this.jobs.runNow(job);
    this.jobs.schedule(job, { everyMs: this.everyMs, unref: true });
  }

  /** Queries what the gauges show and sets them. */
  abstract refresh(): Promise<void>;
}
