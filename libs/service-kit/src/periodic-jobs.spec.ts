import { Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from './logger';
import { PeriodicJobs } from './periodic-jobs';
import { LOGGER } from './tokens';

const EVERY_MS = 1_000;

/** A run whose end the test decides. */
function controlledRuns() {
  const ends: (() => void)[] = [];
  const run = jest.fn(() => new Promise<void>((resolve) => ends.push(resolve)));
  return { run, endRun: () => ends.shift()!() };
}

describe('PeriodicJobs', () => {
  let logger: { error: jest.Mock };
  let registry: SchedulerRegistry;
  let jobs: PeriodicJobs;

  beforeEach(() => {
    jest.useFakeTimers();
    logger = { error: jest.fn() };
    registry = new SchedulerRegistry();
    jobs = new PeriodicJobs(registry, logger as unknown as Logger);
  });

  afterEach(async () => {
    await jobs.onModuleDestroy();
    jest.useRealTimers();
  });

  it('registers the job under its name and first runs it one period later', async () => {
    const run = jest.fn(async () => undefined);
    jobs.schedule({ name: 'reload', run }, { everyMs: EVERY_MS });
    expect(registry.getIntervals()).toEqual(['reload']);
    await jest.advanceTimersByTimeAsync(EVERY_MS - 1);
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('skips the ticks that come while a run is still going', async () => {
    const { run, endRun } = controlledRuns();
    jobs.schedule({ name: 'slow', run }, { everyMs: EVERY_MS });
    await jest.advanceTimersByTimeAsync(EVERY_MS * 5);
    expect(run).toHaveBeenCalledTimes(1);
    endRun();
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    expect(run).toHaveBeenCalledTimes(2);
    endRun();
  });

  it('joins the run in progress when asked to run now', async () => {
    const { run, endRun } = controlledRuns();
    const job = { name: 'slow', run };
    const first = jobs.runNow(job);
    expect(jobs.runNow(job)).toBe(first);
    endRun();
    await first;
    expect(run).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('database down'))],
    [
      'throws before returning a promise',
      () => {
        throw new Error('database down');
      },
    ],
  ])('logs a run that %s with the job name, and runs it again at the next tick', async (_, fail) => {
    const run = jest.fn(fail);
    jobs.schedule({ name: 'flaky', run }, { everyMs: EVERY_MS });
    await jest.advanceTimersByTimeAsync(EVERY_MS * 2);
    expect(run).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith(
      { err: new Error('database down'), job: 'flaky' },
      'periodic job failed',
    );
  });

  it('resolves a failed run now instead of rejecting', async () => {
    await expect(
      jobs.runNow({ name: 'flaky', run: () => Promise.reject(new Error('database down')) }),
    ).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ job: 'flaky' }), expect.any(String));
  });

  it('tells a run in progress that the service stops, and waits for it to end', async () => {
    let signal: AbortSignal | undefined;
    const { run, endRun } = controlledRuns();
    const job = {
      name: 'long',
      run: (stopping: AbortSignal) => {
        signal = stopping;
        return run();
      },
    };
    const running = jobs.runNow(job);
    expect(signal?.aborted).toBe(false);
    const stopped = jobs.onModuleDestroy();
    expect(signal?.aborted).toBe(true);
    let done = false;
    void stopped.then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    endRun();
    await running;
    await stopped;
  });

  it('keeps a timer from holding the process open only when asked to', () => {
    jobs.schedule({ name: 'held', run: async () => undefined }, { everyMs: EVERY_MS });
    jobs.schedule({ name: 'unref', run: async () => undefined }, { everyMs: EVERY_MS, unref: true });
    const timer = (name: string) => registry.getInterval(name) as NodeJS.Timeout;
    expect(timer('held').hasRef()).toBe(true);
    expect(timer('unref').hasRef()).toBe(false);
  });
});

describe('PeriodicJobs in a Nest application', () => {
  const { run, endRun } = controlledRuns();
  const events: string[] = [];

  @Injectable()
  class Ticker implements OnApplicationBootstrap {
    constructor(private readonly jobs: PeriodicJobs) {}

    onApplicationBootstrap(): void {
      const job = {
        name: 'tick',
        run: async () => {
          await run();
          events.push('run ended');
        },
      };
      this.jobs.schedule(job, { everyMs: EVERY_MS });
    }
  }

  /** Stands for PrismaService and KafkaClient, which disconnect in onApplicationShutdown. */
  class Connection implements OnApplicationShutdown {
    onApplicationShutdown(): void {
      events.push('disconnected');
    }
  }

  @Module({
    imports: [ScheduleModule.forRoot()],
    providers: [{ provide: LOGGER, useValue: { error: jest.fn() } }, Connection, PeriodicJobs, Ticker],
  })
  class AppModule {}

  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('stops the jobs on module destroy, and waits for a run in progress before anything disconnects', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const registry = app.get(SchedulerRegistry);
    expect(registry.getIntervals()).toEqual(['tick']);
    await jest.advanceTimersByTimeAsync(EVERY_MS);
    expect(run).toHaveBeenCalledTimes(1);

    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await jest.advanceTimersByTimeAsync(EVERY_MS * 3);
    expect(registry.getIntervals()).toEqual([]);
    expect(closed).toBe(false);

    endRun();
    await closing;
    expect(events).toEqual(['run ended', 'disconnected']);
    await jest.advanceTimersByTimeAsync(EVERY_MS * 3);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
