import { Client } from 'pg';
import { databaseNameOf, dropDatabase, ensureDatabase, withDatabase } from './database-admin';

describe('ensureDatabase', () => {
  const databaseUrl = withDatabase(
    process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    `throwaway_ensure_${Date.now().toString(36)}`,
  );

  afterAll(() => dropDatabase(databaseUrl));

  const exists = async () => {
    const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        databaseNameOf(databaseUrl),
      ]);
      return rowCount === 1;
    } finally {
      await admin.end();
    }
  };

  it('creates a missing database once, and concurrent callers agree', async () => {
    expect(await exists()).toBe(false);
    const created = await Promise.all([ensureDatabase(databaseUrl), ensureDatabase(databaseUrl)]);
    expect(created.sort()).toEqual([false, true]);
    expect(await exists()).toBe(true);
    await expect(ensureDatabase(databaseUrl)).resolves.toBe(false);
  });

  it('passes on errors other than a missing database', async () => {
    await expect(ensureDatabase('postgresql://postgres@127.0.0.1:1/whatever')).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('drops the database even while sessions are open', async () => {
    await ensureDatabase(databaseUrl);
    const session = new Client({ connectionString: databaseUrl });
    session.on('error', () => undefined); // the forced drop terminates this session
    await session.connect();
    await dropDatabase(databaseUrl);
    expect(await exists()).toBe(false);
    await session.end().catch(() => undefined);
  });
});
