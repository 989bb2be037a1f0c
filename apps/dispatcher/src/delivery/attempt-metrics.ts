import type { AttemptOutcome } from './classify';

export interface AttemptStatusLabels {
  status_class: string;
  status_code: string;
}

/**
 * The labels of one attempt in `dispatcher_attempts_total`: the HTTP status and its class, or for an attempt
 * without an answer the class `error` and the network error class as code. Whatever a receiver answers, the
 * values stay within a fixed set (docs/monitoring.md).
 */
export function attemptStatusLabels(outcome: AttemptOutcome): AttemptStatusLabels {
  if (outcome.kind === 'error') return { status_class: 'error', status_code: outcome.errorClass };
  const { statusCode } = outcome;
  // undici takes any three digits; a status no conforming receiver sends shares one series.
  if (statusCode < 100 || statusCode > 599) return { status_class: 'other', status_code: 'other' };
  return { status_class: `${Math.floor(statusCode / 100)}xx`, status_code: String(statusCode) };
}

/**
 * Seconds from the event's own timestamp (the producer's, docs/protocol.md#envelope) to `deliveredAt`; never
 * negative, since a producer's clock may run ahead of ours.
 */
export function secondsSinceEvent(timestamp: string, deliveredAt: Date): number {
  return Math.max(0, (deliveredAt.getTime() - Date.parse(timestamp)) / 1000);
}
