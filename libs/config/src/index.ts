export { ConfigError, loadConfig } from './load-config';
export {
  activitySummaryEnv,
  adminKeyEnv,
  allowPrivateEndpoints,
  apiEnv,
  type ApiEnv,
  booleanFlag,
  commonEnv,
  durationMs,
  endpointEnv,
  kafkaSecurityFromEnv,
  metricsRefreshEnv,
  port,
  positiveInt,
  positiveIntList,
  DEV_SECRET_ENCRYPTION_KEYS,
  secretEnv,
  withAdminApiKey,
  withSecretKeyRing,
} from './env';
export {
  kafkaSecurity,
  kafkaSecurityEnv,
  type KafkaSaslMechanism,
  type KafkaSecurity,
  type KafkaSecurityVariables,
} from './kafka-security';
export { fingerprint, publishedAdminKey, publishedKeyRingKey } from './published-secrets';
