import { activitySummaryEnv, apiEnv, commonEnv, durationMs, port, positiveInt } from '@smart-dairy/config';
import { z } from 'zod';

export const IngestionConfigSchema = z.object({
  ...commonEnv,
  ...activitySummaryEnv,
  ...apiEnv,
  PORT: port(3002),
  SUBSCRIPTION_REFRESH_INTERVAL_MS: durationMs(30_000),
  INGESTION_CHUNK_SIZE: positiveInt(500),
  INGESTION_PARTITIONS_CONCURRENTLY: positiveInt(3),
});

export type IngestionConfig = z.infer<typeof IngestionConfigSchema>;

export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
