import { BOOTSTRAP_KEY_NAME } from '@smart-dairy/api-auth';
import { Prisma } from '@smart-dairy/db';
import { periodBefore, type RetentionSweep } from '@smart-dairy/service-kit';
import type { SubscriptionsConfig } from '../config';

type Periods = Pick<
  SubscriptionsConfig,
  'AUDIT_LOG_RETENTION_MS' | 'API_KEY_RETENTION_MS' | 'DELETED_SUBSCRIPTION_RETENTION_MS'
>;

/**
 * The subscriptions service owns `audit_log`, `api_keys` and `subscriptions`. A bootstrap key is never
 * deleted: its stored hash is what keeps a revoked ADMIN_API_KEY from being created again at the next
 * start. A deleted subscription's row goes once the dispatcher has deleted its deliveries.
 */
export function adminSweeps(periods: Periods): RetentionSweep[] {
  return [
    {
      table: 'audit_log',
      key: [
        { column: 'created_at', type: 'timestamp' },
        { column: 'id', type: 'bigint' },
      ],
      scope: (now) => Prisma.sql`t."created_at" < ${periodBefore(now, periods.AUDIT_LOG_RETENTION_MS)}`,
    },
    {
      // A few rows per administrator: walked by primary key, the period checked on each.
      table: 'api_keys',
      key: [{ column: 'id', type: 'text' }],
      scope: () => Prisma.sql`t."name" <> ${BOOTSTRAP_KEY_NAME}`,
      due: (now) => {
        const cutoff = periodBefore(now, periods.API_KEY_RETENTION_MS);
        return Prisma.sql`(t."revoked_at" < ${cutoff} OR t."expires_at" < ${cutoff})`;
      },
    },
    {
      table: 'subscriptions',
      key: [{ column: 'id', type: 'text' }],
      scope: (now) =>
        Prisma.sql`t."deleted_at" < ${periodBefore(now, periods.DELETED_SUBSCRIPTION_RETENTION_MS)}`,
      due: () => Prisma.sql`NOT EXISTS (SELECT 1 FROM "deliveries" AS d WHERE d."subscription_id" = t."id")`,
    },
  ];
}
