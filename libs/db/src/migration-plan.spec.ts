import { createHash } from 'node:crypto';
import { FailedMigrationError, MigrationChecksumMismatchError } from './migration-errors';
import {
  compareMigrationNames,
  migrationChecksum,
  planMigrations,
  scriptMatchesChecksum,
  type LocalMigration,
  type MigrationRecord,
} from './migration-plan';

const migration = (name: string, script = `-- ${name}\n`): LocalMigration => ({ name, script });
const applied = (m: LocalMigration, overrides: Partial<MigrationRecord> = {}): MigrationRecord => ({
  migrationName: m.name,
  checksum: migrationChecksum(m.script),
  finishedAt: new Date(),
  rolledBackAt: null,
  ...overrides,
});

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('migrationChecksum', () => {
  it('is the lowercase sha256 hex of the UTF-8 script, as Prisma stores it', () => {
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const script = 'CREATE TABLE "é" ();\n';
    expect(migrationChecksum(script)).toBe(
      createHash('sha256').update(Buffer.from(script, 'utf8')).digest('hex'),
    );
    expect(migrationChecksum(script)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('scriptMatchesChecksum', () => {
  const lf = 'CREATE TABLE a ();\nCREATE TABLE b ();\n';
  const crlf = lf.replaceAll('\n', '\r\n');

  it('accepts the same script checked out with the other line endings', () => {
    expect(scriptMatchesChecksum(crlf, migrationChecksum(lf))).toBe(true);
    expect(scriptMatchesChecksum(lf, migrationChecksum(crlf))).toBe(true);
  });

  it('rejects any other change', () => {
    expect(scriptMatchesChecksum(`${lf} `, migrationChecksum(lf))).toBe(false);
  });
});

describe('compareMigrationNames', () => {
  it('orders by code unit, like Prisma, not by locale', () => {
    const names = [
      '20240101000000_b',
      '20240101000000_B',
      '20231231235959_z',
      '20240101000000_a_b',
      '20240101000000_a',
    ];
    expect([...names].sort(compareMigrationNames)).toEqual([
      '20231231235959_z',
      '20240101000000_B',
      '20240101000000_a',
      '20240101000000_a_b',
      '20240101000000_b',
    ]);
  });
});

describe('planMigrations', () => {
  const [first, second, third] = ['20240101000000_init', '20240201000000_next', '20240301000000_last'].map(
    (n) => migration(n),
  );

  it('returns unapplied migrations in name order, whatever order the directory listing had', () => {
    expect(planMigrations([third, first, second], []).map((m) => m.name)).toEqual([
      first.name,
      second.name,
      third.name,
    ]);
  });

  it('skips applied migrations and ignores applied ones no longer on disk', () => {
    const gone = migration('20230101000000_gone');
    expect(planMigrations([first, second, third], [applied(gone), applied(first), applied(second)])).toEqual([
      third,
    ]);
  });

  it('applies a migration again when its only record was rolled back', () => {
    const record = applied(second, { finishedAt: null, rolledBackAt: new Date() });
    expect(planMigrations([first, second], [applied(first), record])).toEqual([second]);
  });

  it('refuses while a recorded migration failed and is not rolled back', () => {
    const plan = () =>
      planMigrations([first, second], [applied(first), applied(second, { finishedAt: null })]);
    expect(plan).toThrow(FailedMigrationError);
    expect(plan).toThrow(/20240201000000_next/);
  });

  it('refuses when an applied migration was edited', () => {
    const edited = { ...first, script: `${first.script}ALTER TABLE x ADD y INT;\n` };
    const error = thrownBy(() => planMigrations([edited, second], [applied(first)]));
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as MigrationChecksumMismatchError).migrationNames).toEqual([first.name]);
  });

  it('does not compare checksums of rolled-back records', () => {
    const stale = applied(first, { checksum: 'stale', rolledBackAt: new Date() });
    expect(planMigrations([first], [stale, applied(first)])).toEqual([]);
  });
});
