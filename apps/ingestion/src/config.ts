import {
  activitySummaryEnv,
  apiEnv,
  commonEnv,
  DAY_MS,
  durationMs,
  port,
  positiveInt,
  retentionEnv,
} from '@smart-dairy/config';
import { z } from 'zod';

export const IngestionConfigSchema = z.object({
  ...commonEnv,
  ...activitySummaryEnv,
  ...apiEnv,
  ...retentionEnv,
  PORT: port(3002),
  SUBSCRIPTION_REFRESH_INTERVAL_MS: durationMs(30_000),
  INGESTION_CHUNK_SIZE: positiveInt(500),
  INGESTION_PARTITIONS_CONCURRENTLY: positiveInt(3),
  /**
   * An event no delivery refers to is deleted this long after it was received. It is also how long a
   * message read again is known as a duplicate: keep it at least the category topics' retention.
   */
  EVENT_RETENTION_MS: durationMs(7 * DAY_MS),
  /** A `POST /v1/events` answer is kept for its Idempotency-Key this long (the integration guide's day). */
  IDEMPOTENCY_RETENTION_MS: durationMs(DAY_MS),
});

export type IngestionConfig = z.infer<typeof IngestionConfigSchema>;

export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
