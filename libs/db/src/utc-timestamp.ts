import { Prisma } from './generated/prisma/client';

/**
 * An instant as the schema's `timestamp(3)` columns hold it: UTC without a zone. Written so explicitly,
 * the comparison means the same whatever time zone the session has.
 */
export function utcTimestamp(at: Date): Prisma.Sql {
  return Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}
