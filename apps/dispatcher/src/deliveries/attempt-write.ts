import type { StoredDelivery } from './deliveries.repository';

/** Where a delivery stands after an attempt (or after being parked without one). */
export type NextState =
  | { status: 'delivered' }
  | { status: 'retrying'; nextAttemptAt: Date }
  /** `why` explains a dead letter without an attempt, e.g. a deleted subscription. */
  | { status: 'dead_lettered'; reason: 'terminal' | 'exhausted'; why?: string }
  /** Not sent at all (breaker open, subscription disabled): waits without spending its budget. */
  | { status: 'parked'; nextAttemptAt: Date; why: string };

/** What one request to the endpoint gave. */
export interface AttemptData {
  number: number;
  statusCode: number | null;
  latencyMs: number;
  errorClass: string | null;
  error: string | null;
  responseBody: string | null;
  startedAt: Date;
  finishedAt: Date;
}

/** One finished attempt, or one parking, to be made durable in a batch. */
export interface AttemptWrite {
  delivery: StoredDelivery;
  /** The replay request this write answers, cleared with it; null for an ordinary send. */
  replayRequestedAt: Date | null;
  /** The delivery's attempt count after this write. */
  attemptCount: number;
  budgetBase: number;
  attempt: AttemptData | null;
  next: NextState;
}
