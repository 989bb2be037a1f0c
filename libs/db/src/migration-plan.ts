import { createHash } from 'node:crypto';
import { FailedMigrationError, MigrationChecksumMismatchError } from './migration-errors';

/** A migration directory as `prisma migrate` lays it out: `<name>/migration.sql`. */
export interface LocalMigration {
  readonly name: string;
  readonly script: string;
}

/** The `_prisma_migrations` columns the plan depends on. */
export interface MigrationRecord {
  readonly migrationName: string;
  readonly checksum: string;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
}

/** What Prisma stores in `_prisma_migrations.checksum`: sha256 of the script, lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Prisma also accepts the script with the other line endings, because git may check it out with
 * CRLF on one machine and LF on another.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}

/**
 * Prisma applies migrations in byte order of their directory names; localeCompare would disagree
 * on names that mix case or punctuation.
 */
export function compareMigrationNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Picks the migrations still to apply, in order, or refuses when the history cannot be trusted.
 * Rolled-back records are ignored, so a migration marked rolled back is applied again, as
 * `prisma migrate deploy` does.
 */
export function planMigrations(
  local: readonly LocalMigration[],
  records: readonly MigrationRecord[],
): LocalMigration[] {
  const live = records.filter((r) => r.rolledBackAt === null);

  const failed = live.filter((r) => r.finishedAt === null).map((r) => r.migrationName);
  if (failed.length > 0) throw new FailedMigrationError(failed);

  const byName = new Map(live.map((r) => [r.migrationName, r]));
  const modified = local
    .filter((m) => {
      const record = byName.get(m.name);
      return record !== undefined && !scriptMatchesChecksum(m.script, record.checksum);
    })
    .map((m) => m.name);
  if (modified.length > 0) throw new MigrationChecksumMismatchError(modified);

  return local.filter((m) => !byName.has(m.name)).sort((a, b) => compareMigrationNames(a.name, b.name));
}
