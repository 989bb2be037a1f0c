import { Prisma } from '@smart-dairy/db';

/** `deliveries AS d` with its event, `events AS e`, for ARRIVAL_ORDER. */
export const ARRIVAL_JOIN = Prisma.sql`JOIN "events" AS e ON e."category" = d."event_category" AND e."id" = d."event_id"`;

/**
 * The order a subscription's deliveries arrived in, for those handed out again (a released backlog, a
 * recovered window): by creation, then, among those one ingestion statement created at the same instant,
 * by their event's position on its topic partition, the order ingestion read them in. Also a row value:
 * `(${ARRIVAL_ORDER}) > (...)` is what comes after a given delivery.
 */
export const ARRIVAL_ORDER = Prisma.sql`d."created_at", e."source_partition", e."source_offset"::numeric, d."id"`;
