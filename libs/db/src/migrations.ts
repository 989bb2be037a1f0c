import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { pgErrorCode } from './database-admin';
import { MigrationApplyError, MigrationError } from './migration-errors';
import { readMigrations } from './migration-files';
import {
  migrationChecksum,
  planMigrations,
  type LocalMigration,
  type MigrationRecord,
} from './migration-plan';

// The key and wait `prisma migrate deploy` uses, so this runner and Prisma's exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;
const LOCK_TIMEOUT = '10s';
const LOCK_NOT_AVAILABLE = '55P03';

// Prisma's own definition, so `prisma migrate deploy` can take over a database this runner migrated.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** A `prisma/migrations` directory. */
  migrationsDir: string;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
}

/**
 * Applies pending migrations the way `prisma migrate deploy` does and records them in
 * `_prisma_migrations` identically. Stricter than Prisma on one point: an applied migration whose
 * file changed is refused instead of ignored.
 */
export async function applyMigrations({
  databaseUrl,
  migrationsDir,
}: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const local = await readMigrations(migrationsDir);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  // Ending the session releases the advisory lock, also when something below throws.
  try {
    await acquireLock(client);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const pending = planMigrations(local, await readRecords(client));
    for (const migration of pending) await applyOne(client, migration);
    return { applied: pending.map((m) => m.name) };
  } finally {
    await client.end();
  }
}

async function acquireLock(client: Client): Promise<void> {
  await client.query(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  } catch (error) {
    if (pgErrorCode(error) !== LOCK_NOT_AVAILABLE) throw error;
    throw new MigrationError(`another migration run held the migration lock for ${LOCK_TIMEOUT}`, {
      cause: error,
    });
  }
  // Migration scripts may legitimately wait for locks held by running services.
  await client.query('RESET lock_timeout');
}

async function readRecords(client: Client): Promise<MigrationRecord[]> {
  const { rows } = await client.query<{
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    rolled_back_at: Date | null;
  }>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  return rows.map((row) => ({
    migrationName: row.migration_name,
    checksum: row.checksum,
    finishedAt: row.finished_at,
    rolledBackAt: row.rolled_back_at,
  }));
}

/**
 * The record is committed before the script runs, as Prisma does: if the process dies midway the
 * unfinished record blocks later runs until someone looks.
 */
async function applyOne(client: Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migrationChecksum(migration.script), migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.script);
    // clock_timestamp(): now() would be the transaction's start, before the script ran.
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await recordFailure(client, id, error);
    throw new MigrationApplyError(migration.name, error);
  }
}

async function recordFailure(client: Client, id: string, error: unknown): Promise<void> {
  try {
    await client.query('ROLLBACK');
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [
      id,
      error instanceof Error ? error.message : String(error),
    ]);
  } catch {
    // The connection is gone; the unfinished record still blocks the next run, only without logs.
  }
}
