import { Client } from 'pg';
import { stack } from './stack-from-dist';

// Must match SUITE_DATABASE_PREFIX of @smart-dairy/testing (aliases do not resolve in global setup/teardown).
const suiteDatabasesOfThisRun = () => `smart_dairy_suite_${process.env.SMART_DAIRY_TEST_RUN}_%`;

export default async function globalTeardown(): Promise<void> {
  if (process.env.SMART_DAIRY_TEST_STARTED_KAFKA === '1') stack.kafkaBroker.stop();
  await dropSuiteDatabases();
}

async function dropSuiteDatabases(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [suiteDatabasesOfThisRun()],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
