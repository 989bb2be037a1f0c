import { resolve } from 'node:path';
import { databaseNameOf, ensureDatabase } from './database-admin';
import { findMigrationsDir } from './migration-files';
import { applyMigrations } from './migrations';

/**
 * `migrate [migrationsDir]`: creates the database if missing (as `prisma migrate deploy` does) and
 * applies pending migrations. migrationsDir defaults to the nearest prisma/migrations above cwd.
 */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const migrationsDir = process.argv[2] ? resolve(process.argv[2]) : findMigrationsDir(process.cwd());

  if (await ensureDatabase(databaseUrl)) console.log(`Created database ${databaseNameOf(databaseUrl)}`);
  const { applied } = await applyMigrations({ databaseUrl, migrationsDir });
  console.log(
    applied.length === 0
      ? `No pending migrations in ${migrationsDir}`
      : `Applied ${applied.length} migration(s) from ${migrationsDir}:\n${applied.map((name) => `  ${name}`).join('\n')}`,
  );
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
