export { ConfigError, loadConfig } from './load-config';
export { apiEnv, booleanFlag, commonEnv, durationMs, port, positiveInt } from './env';
