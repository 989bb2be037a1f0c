import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '../database-admin';
import { applyMigrations } from '../migrations';
import { PrismaService } from '../prisma.service';

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

/**
 * A throwaway database with the project's migrations applied and a client on it, for suites whose
 * writes must not reach other suites' rows; `close` disconnects and drops it.
 */
export async function createMigratedThrowawayDatabase(
  label: string,
): Promise<{ prisma: PrismaService; close: () => Promise<void> }> {
  const databaseUrl = await createThrowawayDatabase(label);
  await applyMigrations({
    databaseUrl,
    migrationsDir: join(__dirname, '..', '..', '..', '..', 'prisma', 'migrations'),
  });
  const prisma = new PrismaService({ databaseUrl, poolSize: 2 });
  await prisma.onModuleInit();
  return {
    prisma,
    close: async () => {
      await prisma.onApplicationShutdown();
      await dropDatabase(databaseUrl);
    },
  };
}
