import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MigrationError } from './migration-errors';
import type { LocalMigration } from './migration-plan';

/** Reads every `<name>/migration.sql` under migrationsDir; loose files such as migration_lock.toml are skipped. */
export async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new MigrationError(`cannot read migrations directory ${migrationsDir}: ${messageOf(error)}`, {
      cause: error,
    });
  });
  return Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async ({ name }) => {
        const file = join(migrationsDir, name, 'migration.sql');
        const script = await readFile(file, 'utf8').catch((error: unknown) => {
          throw new MigrationError(`migration ${name} has no readable migration.sql: ${messageOf(error)}`, {
            cause: error,
          });
        });
        return { name, script };
      }),
  );
}

/** The nearest `prisma/migrations` at or above `from`, so the CLI works from any folder of the repo or image. */
export function findMigrationsDir(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new MigrationError(`no prisma/migrations directory at or above ${from}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
