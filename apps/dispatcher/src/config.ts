import {
  activitySummaryEnv,
  allowPrivateEndpoints,
  booleanFlag,
  commonEnv,
  DAY_MS,
  deletedSubscriptionRetentionEnv,
  durationMs,
  endpointEnv,
  metricsRefreshEnv,
  port,
  positiveInt,
  retentionEnv,
  secretEnv,
  withSecretKeyRing,
} from '@smart-dairy/config';
import { z } from 'zod';
import { DEFAULT_MAX_ATTEMPTS, parseRetrySchedule, type RetrySchedule } from './delivery/retry-schedule';

export const DispatcherConfigSchema = z
  .object({
    ...commonEnv,
    ...activitySummaryEnv,
    ...metricsRefreshEnv,
    ...secretEnv,
    ...endpointEnv,
    ...retentionEnv,
    ...deletedSubscriptionRetentionEnv,
    PORT: port(3003),
    DELIVERY_CONNECT_TIMEOUT_MS: durationMs(5_000),
    DELIVERY_TIMEOUT_MS: durationMs(10_000),
    RETRY_SCHEDULE: z.string().default('1m,2m,4m,8m,15m,30m,1h'),
    RETRY_MAX_ATTEMPTS: positiveInt(DEFAULT_MAX_ATTEMPTS),
    ENDPOINT_CONCURRENCY: positiveInt(10),
    DISPATCH_GLOBAL_CONCURRENCY: positiveInt(512),
    /** Deliveries taken from Kafka and not yet finished, across all partitions; past it intake pauses. */
    PROCESS_MAX_IN_FLIGHT: positiveInt(2_000),
    /** The same for one partition, so one slow endpoint's partition cannot take the whole process budget. */
    PARTITION_MAX_IN_FLIGHT: positiveInt(500),
    /** While intake is paused, a delivery that waited this long for its (slow) endpoint is deferred. */
    BACKLOG_SHED_AFTER_MS: durationMs(5_000),
    /** How long a deferred delivery waits in Postgres before it is tried again. */
    BACKLOG_DEFER_MS: durationMs(10_000),
    BREAKER_ERROR_THRESHOLD_PERCENT: positiveInt(50),
    BREAKER_VOLUME_THRESHOLD: positiveInt(20),
    BREAKER_ROLLING_WINDOW_MS: durationMs(10_000),
    BREAKER_RESET_TIMEOUT_MS: durationMs(30_000),
    SCHEDULER_INTERVAL_MS: durationMs(1_000),
    SCHEDULER_BATCH_SIZE: positiveInt(1_000),
    /** How long a claimed retry is hidden from other schedulers before it counts as lost. */
    SCHEDULER_CLAIM_TIMEOUT_MS: durationMs(60_000),
    DISABLED_SUBSCRIPTION_RECHECK_MS: durationMs(5 * 60_000),
    AUTO_DISABLE_AFTER_MS: durationMs(5 * DAY_MS),
    /** A delivered delivery (with its attempts) is deleted this long after it was delivered. */
    DELIVERED_RETENTION_MS: durationMs(7 * DAY_MS),
    /**
     * A dead-lettered delivery whose dead letter entry is gone (resolved or archived, then deleted by
     * dlq-review's retention), or never came, is deleted this long after it was dead-lettered.
     */
    DEAD_LETTERED_RETENTION_MS: durationMs(7 * DAY_MS),
    /** Deliveries waiting for a subscription disabled this long ago, and created as long ago, are deleted. */
    DISABLED_BACKLOG_RETENTION_MS: durationMs(7 * DAY_MS),
    MAINTENANCE_INTERVAL_MS: durationMs(60 * 60_000),
    RECORD_FLUSH_INTERVAL_MS: durationMs(20),
    RECORD_BATCH_SIZE: positiveInt(1_000),
    /**
     * How often ordered delivery's lost releases are looked for (each after this long) and its metrics
     * refreshed.
     */
    ORDERING_SWEEP_INTERVAL_MS: durationMs(5_000),
    /** Series labelled with a subscription id on /metrics (breaker state, backlog age); false leaves them out. */
    METRICS_PER_SUBSCRIPTION: booleanFlag(true),
  })
  .superRefine((config, ctx) => {
    try {
      parseRetrySchedule(config.RETRY_SCHEDULE, { maxAttempts: config.RETRY_MAX_ATTEMPTS });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['RETRY_SCHEDULE'], message: (error as Error).message });
    }
  })
  .transform(withSecretKeyRing);

export type DispatcherConfig = z.output<typeof DispatcherConfigSchema>;

/** What the dispatcher derives from its configuration once, at boot. */
export interface DispatcherSettings {
  config: DispatcherConfig;
  retrySchedule: RetrySchedule;
  allowPrivateEndpoints: boolean;
}

export function dispatcherSettings(config: DispatcherConfig): DispatcherSettings {
  return {
    config,
    retrySchedule: parseRetrySchedule(config.RETRY_SCHEDULE, { maxAttempts: config.RETRY_MAX_ATTEMPTS }),
    allowPrivateEndpoints: allowPrivateEndpoints(config),
  };
}

export const DISPATCHER_SETTINGS = Symbol('DISPATCHER_SETTINGS');
