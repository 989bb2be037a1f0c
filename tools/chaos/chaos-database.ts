import { PrismaService, dropDatabase } from '@smart-dairy/db';
import { prepareDatabase } from '@smart-dairy/stack';
import { randomBytes } from 'node:crypto';
import { chaosPostgres } from './chaos-postgres';

export interface ChaosDatabase {
  url: string;
  name: string;
  prisma: PrismaService;
  drop(): Promise<void>;
}

/** A migrated database of the run's own, on the chaos suite's own Postgres server; the run drops it. */
export async function createChaosDatabase(): Promise<ChaosDatabase> {
  const url = new URL(chaosPostgres.url);
  const name = `smart_dairy_chaos_${randomBytes(6).toString('hex')}`;
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await prepareDatabase(databaseUrl);
  const prisma = new PrismaService({ databaseUrl, poolSize: 5 });
  await prisma.onModuleInit();
  return {
    url: databaseUrl,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(databaseUrl);
    },
  };
}
