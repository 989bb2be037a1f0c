import { applyMigrations, ensureDatabase } from '@smart-dairy/db';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** Creates the database if it is missing and applies every pending migration. */
export async function prepareDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const { applied } = await applyMigrations({
    databaseUrl,
    migrationsDir: join(repoRoot, 'prisma', 'migrations'),
  });
  return applied;
}
