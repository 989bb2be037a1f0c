export { freePort } from './free-port';
export { ensureDemoSubscription, localAdminKey, publishSamples } from './demo';
export { prepareDatabase } from './database';
export { kafkaBroker } from './kafka-broker';
export { repoRoot } from './paths';
export { PLATFORM_ACLS, PLATFORM_PRINCIPALS, platformAclEntries } from './platform-acls';
export { BROKER_ADMIN, SecureKafkaBroker, type SecureBrokerOptions } from './secure-kafka-broker';
export {
  DEFAULT_PORTS,
  SERVICES,
  ServiceProcess,
  type ServiceName,
  type SpawnOptions,
} from './service-process';
export { waitFor, type WaitOptions } from './wait-for';
