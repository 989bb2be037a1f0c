export { ConfigError, loadConfig } from './load-config';
export {
  activitySummaryEnv,
  adminKeyEnv,
  allowPrivateEndpoints,
  apiEnv,
  type ApiEnv,
  booleanFlag,
  commonEnv,
  DAY_MS,
  deletedSubscriptionRetentionEnv,
  durationMs,
  endpointEnv,
  kafkaSecurityFromEnv,
  metricsRefreshEnv,
  port,
  positiveInt,
  positiveIntList,
  retentionEnv,
  type RetentionEnv,
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
export {
  OTLP_PROTOCOLS,
  TRACE_SAMPLERS,
  tracingEnv,
  type OtlpProtocol,
  type TraceSampler,
  type TracingVariables,
} from './tracing-env';
