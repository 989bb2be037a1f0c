export {
  REPLAYABLE,
  REPLAY_COLUMNS,
  abandonDeadLetterReplay,
  startDeadLetterReplay,
  type ReplayRow,
} from './dead-letter-replay';
export { retryRequest } from './retry-request';
export { publishResends, resendOf, type Resend, type ResendReason } from './resend';
