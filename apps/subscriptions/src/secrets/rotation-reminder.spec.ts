import type { PrismaService } from '@smart-dairy/db';
import type { Logger } from '@smart-dairy/service-kit';
import { Registry } from 'prom-client';
import type { SubscriptionsConfig } from '../config';
import { RotationPolicy } from './rotation-policy';
import { RotationReminder } from './rotation-reminder';

function reminder(subscription: { count: () => Promise<number>; findMany: () => Promise<{ id: string }[]> }) {
  const registry = new Registry();
  const logger = { warn: jest.fn(), error: jest.fn() };
  const job = new RotationReminder(
    { subscription } as unknown as PrismaService,
    new RotationPolicy(90),
    { SECRET_REMINDER_INTERVAL_MS: 0, SECRET_ROTATION_PERIOD_DAYS: 90 } as SubscriptionsConfig,
    logger as unknown as Logger,
    registry,
  );
  const gauge = async () =>
    (await registry.getSingleMetricAsString('subscriptions_secret_rotation_due')).split('\n').at(-1);
  return { job, logger, gauge };
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

  it('logs a failed run instead of throwing, so the next run still happens', async () => {
    const { job, logger } = reminder({
      count: () => Promise.reject(new Error('database down')),
      findMany: async () => [],
    });
    await expect(job.remind()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      expect.any(String),
    );
  });
});
