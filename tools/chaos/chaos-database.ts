import { PrismaService, dropDatabase } from '@smart-dairy/db';
import { prepareDatabase } from '@smart-dairy/stack';
import { randomBytes } from 'node:crypto';

export interface ChaosDatabase {
  url: string;
  prisma: PrismaService;
  drop(): Promise<void>;
}

/**
 * A migrated database of the run's own. It is named outside the `smart_dairy_suite_` prefix because the
 * global teardown of any Jest run on this server drops those, and a chaos run outlives many of them; the
 * run drops it itself.
 */
export async function createChaosDatabase(): Promise<ChaosDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set: run the chaos suite through jest (global setup)');
  const url = new URL(server);
  url.pathname = `/smart_dairy_chaos_${randomBytes(6).toString('hex')}`;
  const databaseUrl = url.toString();
  await prepareDatabase(databaseUrl);
  const prisma = new PrismaService({ databaseUrl, poolSize: 5 });
  await prisma.onModuleInit();
  return {
    url: databaseUrl,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(databaseUrl);
    },
  };
}
