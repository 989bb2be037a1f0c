export { ConfigError, loadConfig } from './load-config';
export {
  apiEnv,
  booleanFlag,
  commonEnv,
  durationMs,
  port,
  positiveInt,
  positiveIntList,
  DEV_SECRET_ENCRYPTION_KEYS,
  secretEnv,
  withSecretKeyRing,
} from './env';
