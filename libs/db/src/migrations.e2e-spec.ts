import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase } from './database-admin';
import {
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
} from './migration-errors';
import { migrationChecksum } from './migration-plan';
import { applyMigrations } from './migrations';
import { createThrowawayDatabase } from './testing/throwaway-database';

const REPO_MIGRATIONS = join(__dirname, '..', '..', '..', 'prisma', 'migrations');
const repoMigrationNames = readdirSync(REPO_MIGRATIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('applyMigrations', () => {
  let databaseUrl: string;
  let migrationsDir: string;
  let client: Client;

  // A copy, so tests can edit and add migrations.
  beforeEach(async () => {
    migrationsDir = join(mkdtempSync(join(tmpdir(), 'db-migrations-')), 'migrations');
    cpSync(REPO_MIGRATIONS, migrationsDir, { recursive: true });
    databaseUrl = await createThrowawayDatabase('migrations');
    client = new Client({ connectionString: databaseUrl });
    await client.connect();
  });

  afterEach(async () => {
    await client.end();
    await dropDatabase(databaseUrl);
    rmSync(join(migrationsDir, '..'), { recursive: true, force: true });
  });

  const migrate = () => applyMigrations({ databaseUrl, migrationsDir });
  const records = async () =>
    (await client.query('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name')).rows;
  const addMigration = (name: string, script: string) => {
    mkdirSync(join(migrationsDir, name), { recursive: true });
    writeFileSync(join(migrationsDir, name, 'migration.sql'), script);
  };

  it('applies every migration to an empty database and records it as prisma migrate deploy does', async () => {
    expect(repoMigrationNames.length).toBeGreaterThan(0);
    await expect(migrate()).resolves.toEqual({ applied: repoMigrationNames });

    const rows = await records();
    expect(rows.map((r) => r.migration_name)).toEqual(repoMigrationNames);
    for (const row of rows) {
      const script = readFileSync(join(REPO_MIGRATIONS, row.migration_name, 'migration.sql'), 'utf8');
      expect(row).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum: migrationChecksum(script),
        finished_at: expect.any(Date),
        migration_name: row.migration_name,
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates _prisma_migrations with Prisma's columns", async () => {
    await migrate();
    const { rows } = await client.query(`
      SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`);
    expect(rows.map((c) => Object.values(c).join(' '))).toEqual([
      'id character varying 36 NO ',
      'checksum character varying 64 NO ',
      'finished_at timestamp with time zone  YES ',
      'migration_name character varying 255 NO ',
      'logs text  YES ',
      'rolled_back_at timestamp with time zone  YES ',
      'started_at timestamp with time zone  NO now()',
      'applied_steps_count integer  NO 0',
    ]);
  });

  it('applies nothing when run again, and new migrations only', async () => {
    await migrate();
    await expect(migrate()).resolves.toEqual({ applied: [] });

    addMigration('99990101000000_add_note', 'ALTER TABLE "events" ADD COLUMN "note" TEXT;\n');
    await expect(migrate()).resolves.toEqual({ applied: ['99990101000000_add_note'] });
    expect(await records()).toHaveLength(repoMigrationNames.length + 1);
  });

  it('accepts an applied migration checked out with CRLF line endings', async () => {
    await migrate();
    const file = join(migrationsDir, repoMigrationNames[0], 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
    await expect(migrate()).resolves.toEqual({ applied: [] });
  });

  it('refuses when a recorded checksum no longer matches the file', async () => {
    await migrate();
    await client.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [
      migrationChecksum('something else'),
      repoMigrationNames[0],
    ]);
    await expect(migrate()).rejects.toThrow(MigrationChecksumMismatchError);

    await client.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [
      migrationChecksum(readFileSync(join(migrationsDir, repoMigrationNames[0], 'migration.sql'), 'utf8')),
      repoMigrationNames[0],
    ]);
    const file = join(migrationsDir, repoMigrationNames[0], 'migration.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}-- edited\n`);
    await expect(migrate()).rejects.toThrow(new RegExp(`${repoMigrationNames[0]} were modified`));
  });

  it('rolls back a failing migration, records the failure, and refuses until it is marked rolled back', async () => {
    const broken = '99990101000000_broken';
    addMigration(broken, 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');

    const failure = await migrate().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationApplyError);
    expect((failure as MigrationApplyError).message).toMatch(/99990101000000_broken failed: .*no_such_table/);

    const { rows: tables } = await client.query(
      "SELECT to_regclass('half_done') AS t, to_regclass('events') AS e",
    );
    expect(tables[0]).toEqual({ t: null, e: 'events' });
    const failed = (await records()).find((r) => r.migration_name === broken);
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(failed.logs).toMatch(/no_such_table/);

    await expect(migrate()).rejects.toThrow(FailedMigrationError);

    await client.query(
      'UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL',
      [broken],
    );
    addMigration(broken, 'CREATE TABLE "half_done" ("id" INTEGER);\n');
    await expect(migrate()).resolves.toEqual({ applied: [broken] });
  });

  it('gives events stored before events_as_written the text of their jsonb data and their time with milliseconds', async () => {
    // Everything from that migration on is held back, so the row is written as an older release wrote it.
    const held = repoMigrationNames.filter((name) => name >= '20261217010000_events_as_written');
    for (const name of held) rmSync(join(migrationsDir, name), { recursive: true });
    await migrate();
    await client.query(`
      INSERT INTO "events" ("category", "id", "type", "occurred_at", "data", "source_topic", "source_partition",
        "source_offset")
      VALUES ('order', 'evt_old', 'order.created', '2026-01-31 10:30:00', '{"b": 1.0, "10": 2, "a": "\\u00e9"}',
        't', 0, '0')`);
    for (const name of held) {
      addMigration(name, readFileSync(join(REPO_MIGRATIONS, name, 'migration.sql'), 'utf8'));
    }
    await expect(migrate()).resolves.toEqual({ applied: held });

    const { rows } = await client.query('SELECT "data_json", "occurred_at_text" FROM "events"');
    // jsonb's own writing: shorter keys first, the escape decoded, the number form kept.
    expect(rows).toEqual([
      { data_json: '{"a": "é", "b": 1.0, "10": 2}', occurred_at_text: '2026-01-31T10:30:00.000Z' },
    ]);
  });

  it('lets only one of two concurrent runs apply the migrations', async () => {
    const results = await Promise.all([migrate(), migrate()]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], repoMigrationNames]);
    expect(await records()).toHaveLength(repoMigrationNames.length);
  });
});
