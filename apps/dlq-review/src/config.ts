import {
  activitySummaryEnv,
  apiEnv,
  commonEnv,
  DAY_MS,
  durationMs,
  metricsRefreshEnv,
  port,
  positiveInt,
  positiveIntList,
  retentionEnv,
} from '@smart-dairy/config';
import { z } from 'zod';

export const DlqReviewConfigSchema = z.object({
  ...commonEnv,
  ...activitySummaryEnv,
  ...metricsRefreshEnv,
  ...apiEnv,
  ...retentionEnv,
  PORT: port(3004),
  /** Consecutive failed attempts of one subscription at which `system.endpoint_failing` is published. */
  ENDPOINT_FAILING_THRESHOLDS: positiveIntList([10, 100, 1000]),
  /** Entries a bulk action changes per statement, and replay tasks per produce request. */
  DLQ_BULK_CHUNK_SIZE: positiveInt(1_000),
  /** A resolved or archived entry is deleted this long after it was resolved or archived. */
  DEAD_LETTER_CLOSED_RETENTION_MS: durationMs(30 * DAY_MS),
  /** A pending or retrying entry nobody acted on is deleted this long after its last change. */
  DEAD_LETTER_OPEN_RETENTION_MS: durationMs(90 * DAY_MS),
});

export type DlqReviewConfig = z.infer<typeof DlqReviewConfigSchema>;

export const DLQ_REVIEW_CONFIG = Symbol('DLQ_REVIEW_CONFIG');
