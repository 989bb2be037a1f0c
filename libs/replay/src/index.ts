export {
  REPLAYABLE,
  REPLAY_COLUMNS,
  abandonDeadLetterReplay,
  startDeadLetterReplay,
  type ReplayRow,
} from './dead-letter-replay';
export { replayTaskOf } from './replay-task';
export { retryRequest } from './retry-request';
