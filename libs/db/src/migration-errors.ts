/** Base class of every refusal or failure of the migration runner, for callers that only need `instanceof`. */
export class MigrationError extends Error {
  override readonly name: string = 'MigrationError';
}

/**
 * A migration was started and never finished (same condition as Prisma's P3009). Its script ran in a
 * transaction, so nothing of it is left in the schema, but an operator has to confirm that before
 * anything else is applied.
 */
export class FailedMigrationError extends MigrationError {
  override readonly name = 'FailedMigrationError';

  constructor(readonly migrationNames: readonly string[]) {
    super(
      `migration(s) ${migrationNames.join(', ')} failed earlier and are not marked rolled back. ` +
        'Once the database is confirmed clean, run `prisma migrate resolve --rolled-back <name>` or ' +
        `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL; ` +
        'then migrate again',
    );
  }
}

/** An applied migration's migration.sql was edited afterwards: the database may not match the files. */
export class MigrationChecksumMismatchError extends MigrationError {
  override readonly name = 'MigrationChecksumMismatchError';

  constructor(readonly migrationNames: readonly string[]) {
    super(
      `migration(s) ${migrationNames.join(', ')} were modified after they were applied. ` +
        'Restore the original migration.sql and put the change in a new migration',
    );
  }
}

/** A pending migration's script failed; it was rolled back and recorded as failed. */
export class MigrationApplyError extends MigrationError {
  override readonly name = 'MigrationApplyError';

  constructor(
    readonly migrationName: string,
    cause: unknown,
  ) {
    super(`migration ${migrationName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
