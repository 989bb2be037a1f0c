import {
  apiEnv,
  commonEnv,
  durationMs,
  port,
  positiveInt,
  secretEnv,
  withSecretKeyRing,
} from '@smart-dairy/config';
import { z } from 'zod';

const MIN_ADMIN_API_KEY_LENGTH = 32;
const HOUR_MS = 3_600_000;

export const SubscriptionsConfigSchema = z
  .object({
    ...commonEnv,
    ...apiEnv,
    ...secretEnv,
    PORT: port(3001),
    ADMIN_API_KEY: z.string().min(MIN_ADMIN_API_KEY_LENGTH).optional(),
    SECRET_ROTATION_PERIOD_DAYS: positiveInt(90),
    SECRET_REMINDER_INTERVAL_MS: durationMs(HOUR_MS),
    ALLOW_PRIVATE_ENDPOINTS: z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  })
  .transform((config, ctx) => ({
    ...withSecretKeyRing(config, ctx),
    // Local stacks and tests deliver to receivers on localhost; production must not.
    ALLOW_PRIVATE_ENDPOINTS: config.ALLOW_PRIVATE_ENDPOINTS ?? config.NODE_ENV !== 'production',
  }));

export type SubscriptionsConfig = z.infer<typeof SubscriptionsConfigSchema>;

export const SUBSCRIPTIONS_CONFIG = Symbol('SUBSCRIPTIONS_CONFIG');
