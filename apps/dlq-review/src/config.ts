import {
  activitySummaryEnv,
  apiEnv,
  commonEnv,
  metricsRefreshEnv,
  port,
  positiveInt,
  positiveIntList,
} from '@smart-dairy/config';
import { z } from 'zod';

export const DlqReviewConfigSchema = z.object({
  ...commonEnv,
  ...activitySummaryEnv,
  ...metricsRefreshEnv,
  ...apiEnv,
  PORT: port(3004),
  /** Consecutive failed attempts of one subscription at which `system.endpoint_failing` is published. */
  ENDPOINT_FAILING_THRESHOLDS: positiveIntList([10, 100, 1000]),
  /** Entries a bulk action changes per statement, and replay tasks per produce request. */
  DLQ_BULK_CHUNK_SIZE: positiveInt(1_000),
});

export type DlqReviewConfig = z.infer<typeof DlqReviewConfigSchema>;

export const DLQ_REVIEW_CONFIG = Symbol('DLQ_REVIEW_CONFIG');
