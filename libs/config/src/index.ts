export { ConfigError, loadConfig } from './load-config';
export {
  allowPrivateEndpoints,
  apiEnv,
  booleanFlag,
  commonEnv,
  durationMs,
  endpointEnv,
  port,
  positiveInt,
  positiveIntList,
  DEV_SECRET_ENCRYPTION_KEYS,
  secretEnv,
  withSecretKeyRing,
} from './env';
