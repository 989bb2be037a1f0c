import { PrismaService } from '@smart-dairy/db';
import { prepareDatabase } from '@smart-dairy/stack';
import { randomBytes } from 'node:crypto';

export const SUITE_DATABASE_PREFIX = 'smart_dairy_suite_';

/**
 * A migrated database of the suite's own, also put in DATABASE_URL for the services the suite
 * spawns. Suites run in parallel, and a stack's background work (retry scheduling, retention)
 * rightly acts on every row of its database: sharing one would let stacks take each other's work.
 * The Jest global teardown drops these databases.
 */
export async function connectTestPrisma(): Promise<PrismaService> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set: run integration tests through jest (global setup)');
  const url = new URL(server);
  // Named after the Jest run, whose teardown drops its own suites' databases and no one else's.
  const run = process.env.SMART_DAIRY_TEST_RUN ?? 'adhoc';
  url.pathname = `/${SUITE_DATABASE_PREFIX}${run}_${randomBytes(6).toString('hex')}`;
  await prepareDatabase(url.toString());
  process.env.DATABASE_URL = url.toString();
  const prisma = new PrismaService({ databaseUrl: url.toString(), poolSize: 5 });
  await prisma.onModuleInit();
  return prisma;
}
