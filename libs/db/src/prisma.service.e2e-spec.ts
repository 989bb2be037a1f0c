import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { checkDatabase } from './check-database';
import { databaseNameOf, dropDatabase, withDatabase } from './database-admin';
import { DbModule } from './db.module';
import { PrismaService } from './prisma.service';
import { createThrowawayDatabase } from './testing/throwaway-database';

/** Sessions on the database as the server sees them; a closed pool's backends may take a moment to exit. */
async function sessionsOn(databaseUrl: string): Promise<number> {
  const observer = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await observer.connect();
  try {
    for (let tries = 0; ; tries++) {
      const { rows } = await observer.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [databaseNameOf(databaseUrl)],
      );
      if (rows[0].n === 0 || tries === 20) return rows[0].n;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await observer.end();
  }
}

describe('DbModule', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createThrowawayDatabase('module');
  });

  afterAll(() => dropDatabase(databaseUrl));

  it('provides a connected PrismaService that the readiness probe accepts, and disconnects on close', async () => {
    const app = await NestFactory.createApplicationContext(DbModule.forRoot({ databaseUrl, poolSize: 1 }), {
      logger: false,
    });
    const prisma = app.get(PrismaService);
    await expect(checkDatabase(prisma)).resolves.toBeUndefined();
    // poolSize reaches the pool: concurrent queries share the one connection instead of opening more.
    const sessions = () =>
      prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity, pg_sleep(0.05) WHERE datname = current_database()`;
    const counts = await Promise.all([sessions(), sessions(), sessions()]);
    expect(counts.map(([row]) => row.n)).toEqual([1, 1, 1]);

    await app.close();
    expect(await sessionsOn(databaseUrl)).toBe(0);
  });

  it('fails the boot when the database cannot be reached', async () => {
    const missing = withDatabase(databaseUrl, 'throwaway_does_not_exist');
    await expect(
      NestFactory.createApplicationContext(DbModule.forRoot({ databaseUrl: missing }), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(/does not exist/);
  });

  it('reports connections the server ends, in a transaction or idle, and serves the next query', async () => {
    const lost: Error[] = [];
    const app = await NestFactory.createApplicationContext(
      DbModule.forRoot({ databaseUrl, poolSize: 2, onConnectionError: (error) => lost.push(error) }),
      { logger: false },
    );
    const prisma = app.get(PrismaService);
    try {
      let terminated!: () => void;
      const held = new Promise<void>((resolve) => (terminated = resolve));
      // One connection sits in an open transaction, the other idle in the pool, when the server ends both.
      const transaction = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await held;
        await tx.$queryRaw`SELECT 1`;
      });
      await prisma.$queryRaw`SELECT 1`;
      const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        databaseNameOf(databaseUrl),
      ]);
      await admin.end();
      for (let tries = 0; lost.length < 2 && tries < 100; tries++)
        await new Promise((r) => setTimeout(r, 20));
      terminated();
      await expect(transaction).rejects.toThrow();
      // Both are told, as the server's 57P01 or, when the socket closes first, as the connection ending (a
      // client can tell both).
      const told = lost.map((error) =>
        (error as Error & { code?: string }).code === '57P01' ? 'ended' : error.message,
      );
      expect(told.length).toBeGreaterThanOrEqual(2);
      for (const what of told) expect(what).toMatch(/^ended$|terminated unexpectedly|ECONNRESET/);
      await expect(prisma.$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
    } finally {
      await app.close();
    }
  });
});
