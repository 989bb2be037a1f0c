import { Prisma } from '@smart-dairy/db';
import { periodBefore, type RetentionSweep } from '@smart-dairy/service-kit';
import type { IngestionConfig } from '../config';

/**
 * Ingestion owns `events` and `idempotency_records`. An event stays while any delivery refers to it (the
 * dispatcher builds every attempt from it), and for the period after it was received in any case.
 */
export function ingestionSweeps(
  config: Pick<IngestionConfig, 'EVENT_RETENTION_MS' | 'IDEMPOTENCY_RETENTION_MS'>,
): RetentionSweep[] {
  return [
    {
      table: 'events',
      key: [
        { column: 'received_at', type: 'timestamp' },
        { column: 'category', type: 'text' },
        { column: 'id', type: 'text' },
      ],
      scope: (now) => Prisma.sql`t."received_at" < ${periodBefore(now, config.EVENT_RETENTION_MS)}`,
      due: () => Prisma.sql`NOT EXISTS (
        SELECT 1 FROM "deliveries" AS d WHERE d."event_category" = t."category" AND d."event_id" = t."id")`,
    },
    {
      table: 'idempotency_records',
      key: [
        { column: 'created_at', type: 'timestamp' },
        { column: 'scope_key_id', type: 'text' },
        { column: 'key', type: 'text' },
      ],
      scope: (now) => Prisma.sql`t."created_at" < ${periodBefore(now, config.IDEMPOTENCY_RETENTION_MS)}`,
    },
  ];
}
