import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationError } from './migration-errors';
import { findMigrationsDir, readMigrations } from './migration-files';

describe('migration files', () => {
  let root: string;
  let migrationsDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'db-migrations-'));
    migrationsDir = join(root, 'prisma', 'migrations');
    mkdirSync(migrationsDir, { recursive: true });
    writeFileSync(join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const addMigration = (name: string, script: string) => {
    mkdirSync(join(migrationsDir, name));
    writeFileSync(join(migrationsDir, name, 'migration.sql'), script);
  };

  it('reads every migration directory and skips loose files', async () => {
    addMigration('20240201000000_b', 'B;\r\n');
    addMigration('20240101000000_a', 'A;\n');
    const migrations = await readMigrations(migrationsDir);
    expect(migrations.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: '20240101000000_a', script: 'A;\n' },
      { name: '20240201000000_b', script: 'B;\r\n' },
    ]);
  });

  it('names a migration directory without migration.sql', async () => {
    mkdirSync(join(migrationsDir, '20240101000000_empty'));
    await expect(readMigrations(migrationsDir)).rejects.toThrow(MigrationError);
    await expect(readMigrations(migrationsDir)).rejects.toThrow(/20240101000000_empty/);
  });

  it('names a missing migrations directory', async () => {
    await expect(readMigrations(join(root, 'nope'))).rejects.toThrow(
      /cannot read migrations directory .*nope/,
    );
  });

  it('finds prisma/migrations from any folder below the repository root', () => {
    const nested = join(root, 'dist', 'libs', 'db');
    mkdirSync(nested, { recursive: true });
    expect(findMigrationsDir(nested)).toBe(migrationsDir);
    expect(findMigrationsDir(root)).toBe(migrationsDir);
  });

  it('says where it looked when there is no prisma/migrations', () => {
    rmSync(join(root, 'prisma'), { recursive: true });
    expect(() => findMigrationsDir(root)).toThrow(MigrationError);
  });
});
