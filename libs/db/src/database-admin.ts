import { Client, escapeIdentifier } from 'pg';

// Postgres SQLSTATEs.
const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** The database a connection URL names. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (name === '') throw new Error('the database URL names no database');
  return name;
}

/** The same server and credentials, another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * Creates the database named in the URL unless it exists; returns whether it created it.
 * It first connects to the database itself, so a role that may not open `postgres` (common in
 * production) still passes when there is nothing to create.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if (pgErrorCode(error) !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end();
  }

  return withAdminClient(databaseUrl, async (admin) => {
    try {
      await admin.query(`CREATE DATABASE ${escapeIdentifier(databaseNameOf(databaseUrl))}`);
      return true;
    } catch (error) {
      // Another process created it between the probe and here.
      const code = pgErrorCode(error);
      if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  });
}

/** Drops the database named in the URL, disconnecting its sessions first. For tests and local resets. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withAdminClient(databaseUrl, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(databaseNameOf(databaseUrl))} WITH (FORCE)`),
  );
}

async function withAdminClient<T>(databaseUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
