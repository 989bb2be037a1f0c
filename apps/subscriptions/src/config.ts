import {
  adminKeyEnv,
  allowPrivateEndpoints,
  apiEnv,
  commonEnv,
  DAY_MS,
  deletedSubscriptionRetentionEnv,
  durationMs,
  endpointEnv,
  port,
  positiveInt,
  retentionEnv,
  secretEnv,
  withAdminApiKey,
  withSecretKeyRing,
} from '@smart-dairy/config';
import { z } from 'zod';

const HOUR_MS = 3_600_000;

export const SubscriptionsConfigSchema = z
  .object({
    ...commonEnv,
    ...apiEnv,
    ...secretEnv,
    ...endpointEnv,
    ...adminKeyEnv,
    ...retentionEnv,
    ...deletedSubscriptionRetentionEnv,
    PORT: port(3001),
    SECRET_ROTATION_PERIOD_DAYS: positiveInt(90),
    SECRET_REMINDER_INTERVAL_MS: durationMs(HOUR_MS),
    SECRET_REENCRYPTION_INTERVAL_MS: durationMs(HOUR_MS),
    RECOVER_MAX_AGE_DAYS: positiveInt(30),
    REDELIVERY_BATCH_SIZE: positiveInt(500),
    BACKLOG_RELEASE_INTERVAL_MS: durationMs(60_000),
    /** An audit log row is deleted this long after it was written. */
    AUDIT_LOG_RETENTION_MS: durationMs(365 * DAY_MS),
    /** A revoked or expired API key is deleted this long after it was revoked or expired (bootstrap keys stay). */
    API_KEY_RETENTION_MS: durationMs(90 * DAY_MS),
  })
  .transform((config, ctx) => ({
    ...withSecretKeyRing(withAdminApiKey(config, ctx), ctx),
    ALLOW_PRIVATE_ENDPOINTS: allowPrivateEndpoints(config),
  }));

export type SubscriptionsConfig = z.infer<typeof SubscriptionsConfigSchema>;

export const SUBSCRIPTIONS_CONFIG = Symbol('SUBSCRIPTIONS_CONFIG');
