import { randomBytes } from 'node:crypto';
import { ensureDatabase, withDatabase } from '../database-admin';

const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Creates an empty database with a unique name on the test server (the one DATABASE_URL points
 * at, else the local Postgres) and returns its URL; pair with dropDatabase.
 */
export async function createThrowawayDatabase(label: string): Promise<string> {
  const name = `throwaway_${label}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(process.env.DATABASE_URL ?? LOCAL_SERVER, name);
  await ensureDatabase(url);
  return url;
}
