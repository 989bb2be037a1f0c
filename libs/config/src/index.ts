export { ConfigError, loadConfig } from './load-config';
export { booleanFlag, commonEnv, durationMs, port, positiveInt } from './env';
