export { ConfigError, loadConfig } from './load-config';
export {
  apiEnv,
  booleanFlag,
  commonEnv,
  durationMs,
  port,
  positiveInt,
  secretEnv,
  secretKeyRing,
} from './env';
