import type { Logger } from 'pino';

/** What a batch handler is given by kafkajs that says whether the batch is still worth working on. */
export interface BatchControl {
  isRunning(): boolean;
  isStale(): boolean;
  heartbeat(): Promise<void>;
}

export interface BatchRetryOptions {
  logger: Logger;
  /** Said with every failure: which batch (topic, partition, offsets). */
  context: Record<string, unknown>;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1_000;
/** A dependency that is away fails every try: the first failure and every tenth are errors, the rest debug. */
const LOG_EVERY = 10;
/** kafkajs sends a heartbeat at most once per `heartbeatInterval` (1 s here), however often it is asked. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs a batch's work until it succeeds, for as long as the batch is still this consumer's.
 *
 * A kafkajs batch handler that throws stops the fetches of every partition the consumer holds, backs off
 * exponentially (up to half a minute) and, after its retries, crashes and restarts the whole consumer: a
 * database that is away for four seconds used to cost 13 to 26 s of delivery, or a crash. Here only the
 * failing partition waits, heartbeating, and it tries again at most a second after the dependency is back.
 *
 * Resolves true once the work succeeded, false when it was given up because the consumer stopped or the
 * partition was taken elsewhere (the batch is then left unresolved for whoever reads it next). The
 * consumer keeps heartbeating while the work runs; a failed heartbeat between tries (a rebalance) is
 * thrown to kafkajs, which rejoins the group.
 */
export async function retryBatch(
  control: BatchControl,
  work: () => Promise<void>,
  { logger, context, firstDelayMs = FIRST_DELAY_MS, maxDelayMs = MAX_DELAY_MS }: BatchRetryOptions,
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    if (!control.isRunning() || control.isStale()) return false;
    try {
      await whileHeartbeating(control, work);
      return true;
    } catch (error) {
      const level = attempt % LOG_EVERY === 1 ? 'error' : 'debug';
      logger[level]({ ...context, err: error, attempt }, 'batch failed; trying it again');
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1))),
    );
    await control.heartbeat();
  }
}

/**
 * kafkajs heartbeats only between batches or when the handler asks: a handler awaiting a query for
 * longer than the session timeout (a paused database) was evicted from the group, and rejoining cost
 * another 20 s once the database was back. So the batch keeps heartbeating while its work runs. A failed
 * heartbeat means a rebalance: the work cannot be abandoned half-way, and the heartbeat that follows it
 * reports the rebalance to kafkajs.
 */
async function whileHeartbeating(control: BatchControl, work: () => Promise<void>): Promise<void> {
  const timer = setInterval(() => {
    control.heartbeat().catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}
