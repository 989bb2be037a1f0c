import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from './logger';
import { LOGGER } from './tokens';

export interface PeriodicJob {
  /** The name of its interval in the SchedulerRegistry, and `job` on the log line of a failed run. */
  readonly name: string;
  /** `stopping` aborts when the service shuts down: a long run checks it and ends early. */
  readonly run: (stopping: AbortSignal) => Promise<unknown>;
}

export interface PeriodicSchedule {
  readonly everyMs: number;
  /** Let the process end while this timer is all that is left. */
  readonly unref?: boolean;
}

/**
 * Runs a service's periodic jobs as named intervals of @nestjs/schedule's SchedulerRegistry (the
 * module needs `ScheduleModule.forRoot()`): never two runs of a job at once, and a failed run is
 * logged, never thrown, so the next tick simply tries again.
 *
 * @nestjs/schedule clears the registry's intervals in `beforeApplicationShutdown` but does not wait
 * for a run in progress, which could then still be using Postgres or Kafka when they disconnect in
 * `onApplicationShutdown`. So this stops the jobs it started in `onModuleDestroy` and waits for their
 * runs, telling them through the signal each run gets, so a long one (a retention sweep) ends at its
 * next step. Provide it in the module of the providers that schedule jobs: it stops together with them.
 */
@Injectable()
export class PeriodicJobs implements OnModuleDestroy {
  private readonly scheduled = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: SchedulerRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs the job every `everyMs`, the first time one period from now. */
  schedule(job: PeriodicJob, { everyMs, unref = false }: PeriodicSchedule): void {
    const timer = setInterval(() => void this.runNow(job), everyMs);
    if (unref) timer.unref();
    this.registry.addInterval(job.name, timer);
    this.scheduled.add(job.name);
  }

  /** Runs the job now, or joins its run in progress; settles when that run has, and never rejects. */
  runNow(job: PeriodicJob): Promise<void> {
    const inProgress = this.running.get(job.name);
    if (inProgress) return inProgress;
    const run = this.runLogged(job).finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    for (const name of this.scheduled) {
      // The registry is the application's: anyone may have deleted the interval by its name already.
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
    await Promise.all(this.running.values());
  }

  private async runLogged(job: PeriodicJob): Promise<void> {
    try {
      await job.run(this.stopping.signal);
    } catch (error) {
      this.logger.error({ err: error, job: job.name }, 'periodic job failed');
    }
  }
}
