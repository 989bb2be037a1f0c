export { DbModule } from './db.module';
export type { DbModuleOptions } from './db.options';
export { PrismaService } from './prisma.service';
export { checkDatabase } from './check-database';
export { utcTimestamp } from './utc-timestamp';
// For integration suites of other libraries that need a database no other suite writes to.
export { createMigratedThrowawayDatabase } from './testing/throwaway-database';

export { applyMigrations, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './migrations';
export { databaseNameOf, dropDatabase, ensureDatabase } from './database-admin';
export {
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationError,
} from './migration-errors';

// The generated client is re-exported here so that no other package imports the generated folder.
export {
  ApiKeyScope,
  DeliveryStatus,
  Prisma,
  Priority,
  ReviewStatus,
  SubscriptionOrdering,
  SubscriptionStatus,
} from './generated/prisma/client';
export type {
  ApiKey,
  AuditLogEntry,
  DeadLetterEntry,
  Delivery,
  DeliveryAttempt,
  Event,
  IdempotencyRecord,
  Subscription,
} from './generated/prisma/client';
