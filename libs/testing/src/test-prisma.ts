import { PrismaService } from '@smart-dairy/db';

/** A Prisma client on the test database (migrated by the Jest global setup). */
export async function connectTestPrisma(): Promise<PrismaService> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run integration tests through jest (global setup)');
  const prisma = new PrismaService({ databaseUrl: url, poolSize: 5 });
  await prisma.onModuleInit();
  return prisma;
}
