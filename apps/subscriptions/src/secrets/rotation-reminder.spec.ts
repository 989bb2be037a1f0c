import { SchedulerRegistry } from '@nestjs/schedule';
import type { PrismaService } from '@smart-dairy/db';
import { PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { Registry } from 'prom-client';
import type { SubscriptionsConfig } from '../config';
import { RotationPolicy } from './rotation-policy';
import { RotationReminder } from './rotation-reminder';

const HOUR_MS = 3_600_000;

function reminder(
  subscription: { count: () => Promise<number>; findMany: () => Promise<{ id: string }[]> },
  intervalMs = 0,
) {
  const registry = new Registry();
  const logger = { warn: jest.fn(), error: jest.fn() };
  const scheduler = new SchedulerRegistry();
  const jobs = new PeriodicJobs(scheduler, logger as unknown as Logger);
  const job = new RotationReminder(
    { subscription } as unknown as PrismaService,
    new RotationPolicy(90),
    { SECRET_REMINDER_INTERVAL_MS: intervalMs, SECRET_ROTATION_PERIOD_DAYS: 90 } as SubscriptionsConfig,
    logger as unknown as Logger,
    registry,
    jobs,
  );
  const gauge = async () =>
    (await registry.getSingleMetricAsString('subscriptions_secret_rotation_due')).split('\n').at(-1);
  return { job, jobs, scheduler, logger, gauge };
}

describe('RotationReminder', () => {
  it('counts the due subscriptions in the gauge and logs their ids', async () => {
    const { job, logger, gauge } = reminder({
      count: async () => 2,
      findMany: async () => [{ id: 'wh_sub_a' }, { id: 'wh_sub_b' }],
    });
    await job.remind();
    expect(await gauge()).toBe('subscriptions_secret_rotation_due 2');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ count: 2, subscriptions: ['wh_sub_a', 'wh_sub_b'] }),
      expect.stringContaining('rotate-secret'),
    );
  });

  it('stays quiet when nothing is due', async () => {
    const { job, logger, gauge } = reminder({ count: async () => 0, findMany: async () => [] });
    await job.remind();
    expect(await gauge()).toBe('subscriptions_secret_rotation_due 0');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  describe('on its schedule', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('runs at start-up and then every interval; a failed run is logged and the next still happens', async () => {
      const count = jest.fn().mockRejectedValueOnce(new Error('database down')).mockResolvedValue(0);
      const { job, jobs, logger, gauge } = reminder({ count, findMany: async () => [] }, HOUR_MS);
      job.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(count).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        expect.objectContaining({ err: expect.any(Error), job: 'secret-rotation-reminder' }),
        expect.any(String),
      );
      await jest.advanceTimersByTimeAsync(HOUR_MS);
      expect(count).toHaveBeenCalledTimes(2);
      expect(await gauge()).toBe('subscriptions_secret_rotation_due 0');
      await jobs.onModuleDestroy();
    });

    it('is off with an interval of 0', async () => {
      const count = jest.fn(async () => 0);
      const { job, scheduler } = reminder({ count, findMany: async () => [] }, 0);
      job.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(HOUR_MS);
      expect(count).not.toHaveBeenCalled();
      expect(scheduler.getIntervals()).toEqual([]);
    });
  });
});
