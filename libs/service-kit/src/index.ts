export { CounterDeltas, metricTotal, ActivitySummaryJob } from './activity-summary';
export { bootstrapService, type BootstrapOptions } from './bootstrap';
export { HealthController } from './health.controller';
export { createLogger, NestPinoLogger, type Logger } from './logger';
export { metricsOn } from './metrics-on';
export { PeriodicJobs, type PeriodicJob, type PeriodicSchedule } from './periodic-jobs';
export { GAUGE_COUNT_LIMIT, RefreshedGauges } from './refreshed-gauges';
export type { CheckResult, ReadinessReport } from './readiness';
export { ReadinessService } from './readiness.service';
export { RetentionJobs } from './retention-jobs';
export { periodBefore, sweepStatement, type RetentionSweep, type SweepKeyColumn } from './retention-sweep';
export { ServiceKitModule, type ServiceKitConfig, type ServiceKitOptions } from './service-kit.module';
export { LOGGER, READINESS_CHECKS, SERVICE_NAME, type ReadinessCheck } from './tokens';
export { startService, type StartServiceOptions } from './start-service';
export {
  SUBSCRIPTION_CHANGE_LISTENER,
  SubscriptionChangesFollower,
  type SubscriptionChangeListener,
} from './subscription-changes.follower';
