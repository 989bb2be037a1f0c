import { logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

type PinoLevel = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<logLevel, PinoLevel> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

interface ProtocolErrorCode {
  type: string;
  retriable: boolean;
  message: string;
}

// kafkajs exports no table of its protocol errors; the deep path exists in every 2.x release.
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: ProtocolErrorCode[] };

/**
 * Broker answers kafkajs retries on its own (the coordinator is loading, a leader election, a group
 * rebalancing...), and the "already exists" that every service but the first gets when they all create
 * the missing topics at once. Each is logged by kafkajs at error level as it happens; while it lasts it
 * is news for nobody, and when it outlasts the retries the caller fails and says so.
 */
const EXPECTED_ANSWERS = new Set(
  errorCodes
    .filter((code) => code.retriable || code.type === 'TOPIC_ALREADY_EXISTS')
    .map((code) => code.message),
);

const TOPIC_CREATION_ERRORS = 'Topic creation errors';

/**
 * The kafkajs lines that say nothing is wrong:
 * - the idempotent producer's warning about limited retries: RecoveringProducer bounds every send on
 *   purpose and replaces the producer (a new producer id) after any failed send, so the exactly-once
 *   the warning protects is not what the platform relies on (consumers deduplicate by event and
 *   delivery id); retrying forever would leave a send to a dead broker waiting without end;
 * - a consumer restart kafkajs schedules itself (one it does not is logged by restartOnFatalCrash).
 */
const ROUTINE_MESSAGES = [
  /^Limiting retries for the idempotent producer/,
  /^Restarting the consumer in \d+ms$/,
];

export interface KafkaLogLine {
  level: logLevel;
  message: string;
  /** kafkajs's structured fields; a failed request carries the broker's message in `error`. */
  extra: Record<string, unknown>;
}

/** The level a kafkajs line deserves in our log. */
export function kafkaLogLevel({ level, message, extra }: KafkaLogLine): PinoLevel {
  const mapped = LEVELS[level];
  if (mapped !== 'error' && mapped !== 'warn') return mapped;
  if (ROUTINE_MESSAGES.some((routine) => routine.test(message))) return 'debug';
  if (message.startsWith('Response ') && EXPECTED_ANSWERS.has(String(extra.error))) return 'debug';
  // CreateTopics reports per-topic errors as one aggregate, also when every topic merely exists already
  // (the race above). kafkajs's admin ignores that case and throws for any other, which fails
  // ensureTopics and so the service's start, loudly: the line itself says nothing more.
  if (message.startsWith('Response CreateTopics') && extra.error === TOPIC_CREATION_ERRORS) return 'debug';
  // A consumer that stopped on such an answer; kafkajs starts it again (the next line says so).
  const crash = /^Crash: KafkaJSProtocolError: (.*)$/s.exec(message);
  if (crash && EXPECTED_ANSWERS.has(crash[1])) return 'debug';
  return mapped;
}

/** Routes kafkajs's own logging into the service's structured log. */
export function kafkaLogCreator(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      const { message, ...extra } = log;
      child[kafkaLogLevel({ level, message, extra })]({ namespace, ...extra }, message);
    };
}
