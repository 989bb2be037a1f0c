export interface RetrySchedule {
  /** Wait before each retry in turn; the last entry repeats for every later retry. */
  readonly delaysMs: readonly number[];
  /** Attempts in all, the first delivery included. */
  readonly maxAttempts: number;
}

/** A number in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

export interface RetryRequest {
  /** The attempt that just failed, counting the first delivery as 1. */
  readonly attempt: number;
  readonly schedule: RetrySchedule;
  readonly random: RandomSource;
  /** What the receiver asked for in `Retry-After`, if anything. */
  readonly retryAfterMs?: number;
}

export type RetryDecision = { readonly delayMs: number } | 'exhausted';

export const DEFAULT_MAX_ATTEMPTS = 11;

// Spreads retries of many deliveries that failed together, so a recovering receiver is not hit all at once.
const JITTER_FRACTION = 0.25;
// A receiver may slow retries down with Retry-After, but not park a delivery for longer than this.
const RETRY_AFTER_CAP_MS = 60 * 60 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60 * 1000, h: 60 * 60 * 1000 };
const DURATION = /^(\d+)(ms|s|m|h)$/;

/**
 * A schedule from configuration, e.g. `1m,2m,4m,8m,15m,30m,1h`; units are `ms`, `s`, `m` and `h`.
 * Throws a RangeError naming the offending entry.
 */
export function parseRetrySchedule(
  text: string,
  { maxAttempts = DEFAULT_MAX_ATTEMPTS }: { readonly maxAttempts?: number } = {},
): RetrySchedule {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const delaysMs = text.split(',').map((entry, index) => {
    const match = DURATION.exec(entry.trim());
    const delayMs = match ? Number(match[1]) * UNIT_MS[match[2]] : 0;
    if (!(delayMs > 0)) {
      throw new RangeError(
        `retry delay #${index + 1} ${JSON.stringify(entry)} is not a positive duration like 30s`,
      );
    }
    return delayMs;
  });
  return { delaysMs, maxAttempts };
}

/**
 * The documented schedule (docs/protocol.md#retries): 1, 2, 4, 8, 15 and 30 minutes, then hourly;
 * 11 attempts in all.
 */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = parseRetrySchedule('1m,2m,4m,8m,15m,30m,1h');

/**
 * When to try again after `attempt` failed, or 'exhausted' once it was the last one allowed. A Retry-After
 * can lengthen the wait up to an hour, never shorten it below the schedule.
 */
export function nextRetry({ attempt, schedule, random, retryAfterMs }: RetryRequest): RetryDecision {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
  if (attempt >= schedule.maxAttempts) return 'exhausted';
  const { delaysMs } = schedule;
  const scheduledMs = delaysMs[Math.min(attempt, delaysMs.length) - 1];
  const jitteredMs = Math.round(scheduledMs * (1 + JITTER_FRACTION * (2 * random() - 1)));
  if (retryAfterMs === undefined) return { delayMs: jitteredMs };
  return { delayMs: Math.max(jitteredMs, Math.min(retryAfterMs, RETRY_AFTER_CAP_MS)) };
}
