import { Inject, Injectable, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import type { RetentionEnv } from '@smart-dairy/config';
import { PrismaService } from '@smart-dairy/db';
import { performance } from 'node:perf_hooks';
import { Registry, type Counter } from 'prom-client';
import type { Logger } from './logger';
import { metricsOn } from './metrics-on';
import { PeriodicJobs } from './periodic-jobs';
import { stepOf, sweepStatement, type RetentionSweep, type StepRow } from './retention-sweep';
import { sweepInSteps, type StepOutcome } from './sweep-in-steps';
import { LOGGER } from './tokens';

const HELP = {
  retention_deleted_rows_total:
    'Rows deleted by retention, by table (rows that cascade with them not counted)',
  retention_sweeps_total: 'Retention sweeps that walked their whole table, by table',
};

/**
 * A step never queues behind a lock it cannot get at once (a migration's, say): it fails, is logged, and
 * the next run tries again, instead of holding up everything queued behind it.
 */
const LOCK_TIMEOUT = '2s';

const RETENTION_PLAN = Symbol('RETENTION_PLAN');

/** The sweeps of a service and how they run. */
interface RetentionPlan {
  sweeps: readonly RetentionSweep[];
  settings: RetentionEnv;
}

/**
 * Runs a service's retention sweeps, each table's as a periodic job of its own. Each step is one short
 * transaction that first takes the table's advisory lock without waiting: of several replicas, one sweeps
 * a table at a time, and a replica that finds it taken ends its run. Rows are locked with SKIP LOCKED, so
 * a sweep never waits for the delivery path and never deletes a row it is changing.
 */
@Injectable()
export class RetentionJobs implements OnApplicationBootstrap {
  private readonly deletedRows: Counter<'table'>;
  private readonly completeSweeps: Counter<'table'>;

  /** What a service module provides to sweep these tables, beside PeriodicJobs. */
  static providers(sweeps: readonly RetentionSweep[], settings: RetentionEnv): Provider[] {
    return [
      { provide: RETENTION_PLAN, useValue: { sweeps, settings } satisfies RetentionPlan },
      RetentionJobs,
    ];
  }

  constructor(
    @Inject(RETENTION_PLAN) private readonly plan: RetentionPlan,
    private readonly prisma: PrismaService,
    private readonly jobs: PeriodicJobs,
    registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const metric = metricsOn(registry, HELP);
    this.deletedRows = metric.counter('retention_deleted_rows_total', ['table']);
    this.completeSweeps = metric.counter('retention_sweeps_total', ['table']);
  }

  /** Sweeps each table every RETENTION_INTERVAL_MS (the first time one interval after start); 0: never. */
  onApplicationBootstrap(): void {
    const { sweeps, settings } = this.plan;
    if (settings.RETENTION_INTERVAL_MS === 0) return;
    for (const sweep of sweeps) {
      // Every table's series shows from the start, so an alert on a sweep that stopped has a series to watch.
      this.deletedRows.inc({ table: sweep.table }, 0);
      this.completeSweeps.inc({ table: sweep.table }, 0);
      this.jobs.schedule(
        { name: `retention-${sweep.table}`, run: (stopping) => this.sweep(sweep, stopping) },
        { everyMs: settings.RETENTION_INTERVAL_MS, unref: true },
      );
    }
  }

  /** One walk through the table: how many rows it deleted. */
  private async sweep(sweep: RetentionSweep, stopping: AbortSignal): Promise<number> {
    const { settings } = this.plan;
    const now = new Date();
    const started = performance.now();
    const { deleted, complete } = await sweepInSteps(
      (after) => this.step(sweep, after, settings.RETENTION_BATCH_SIZE, now),
      { pauseMs: settings.RETENTION_BATCH_PAUSE_MS, busyShare: settings.RETENTION_BUSY_SHARE, stopping },
    );
    if (complete) this.completeSweeps.inc({ table: sweep.table });
    if (deleted > 0) {
      this.logger.info(
        { table: sweep.table, deleted, ms: Math.round(performance.now() - started), complete },
        'retention deleted rows past their period',
      );
    }
    return deleted;
  }

  private async step(
    sweep: RetentionSweep,
    after: string[] | undefined,
    limit: number,
    now: Date,
  ): Promise<StepOutcome> {
    const outcome = await this.prisma.$transaction(async (tx): Promise<StepOutcome> => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(hashtext(${`retention:${sweep.table}`})) AS "locked",
          set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
      if (!lock?.locked) return 'locked';
      const [row] = await tx.$queryRaw<StepRow[]>(sweepStatement(sweep, after, limit, now));
      return stepOf(row, limit);
    });
    if (outcome !== 'locked') this.deletedRows.inc({ table: sweep.table }, outcome.deleted);
    return outcome;
  }
}
