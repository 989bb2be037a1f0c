import type { PrismaClient } from './generated/prisma/client';

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Readiness probe: resolves when Postgres answers `SELECT 1` within the timeout, rejects otherwise.
 * The timeout also covers waiting for a free pool connection, so an exhausted pool reads as not ready.
 */
export async function checkDatabase(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
