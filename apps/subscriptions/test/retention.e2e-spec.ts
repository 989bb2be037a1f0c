import { BOOTSTRAP_KEY_NAME, generateApiKey } from '@smart-dairy/api-auth';
import { ApiKeyScope, DeliveryStatus, utcTimestamp, type PrismaService } from '@smart-dairy/db';
import type { ServiceProcess } from '@smart-dairy/stack';
import {
  ago,
  FAST_RETENTION,
  connectTestPrisma,
  createSubscriptionRow,
  storeDelivery,
  uniquePrefix,
  verdictsAfterSweeps,
  unboundedWalk,
} from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { startSubscriptions } from './api-client';
import { adminSweeps } from '../src/retention/admin-retention';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const PAST = 2 * HOUR;
const RECENT = 10 * 60_000;
const LATER = 24 * HOUR;

describe('subscriptions retention: audit log, API keys, deleted subscriptions', () => {
  let prisma: PrismaService;
  let service: ServiceProcess;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    service = await startSubscriptions(uniquePrefix('ret'), {
      ...FAST_RETENTION,
      AUDIT_LOG_RETENTION_MS: String(HOUR),
      API_KEY_RETENTION_MS: String(HOUR),
      DELETED_SUBSCRIPTION_RETENTION_MS: String(HOUR),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await prisma?.$disconnect();
  });

  it('deletes audit log rows older than the period', async () => {
    const row = async (createdAgo: number) => {
      const { id } = await prisma.auditLogEntry.create({
        data: { actorName: 'retention', action: 'subscription.created', targetType: 'subscription' },
      });
      await prisma.$executeRaw`UPDATE "audit_log" SET "created_at" = ${utcTimestamp(ago(createdAgo))}
        WHERE "id" = ${id}`;
      return { id: String(id) };
    };
    const cases = {
      'written long ago': { ...(await row(PAST)), kept: false },
      'written recently': { ...(await row(RECENT)), kept: true },
    };

    const { kept, expected } = await verdictsAfterSweeps(service.url, 'audit_log', cases, async (ids) =>
      (
        await prisma.auditLogEntry.findMany({ where: { id: { in: ids.map(BigInt) } }, select: { id: true } })
      ).map((r) => String(r.id)),
    );
    expect(kept).toEqual(expected);
  });

  it('deletes API keys revoked or expired before the period, never a bootstrap key', async () => {
    const key = async (fields: { revokedAt?: Date; expiresAt?: Date; name?: string }) => {
      const { prefix, hash } = generateApiKey();
      const id = `key_${randomBytes(16).toString('hex')}`;
      await prisma.apiKey.create({
        data: { id, name: 'retention', prefix, hash, scope: ApiKeyScope.read, ...fields },
      });
      return { id };
    };
    const cases = {
      'revoked long ago': { ...(await key({ revokedAt: ago(PAST) })), kept: false },
      'expired long ago': { ...(await key({ expiresAt: ago(PAST) })), kept: false },
      'revoked recently': { ...(await key({ revokedAt: ago(RECENT) })), kept: true },
      'expiring later': { ...(await key({ expiresAt: new Date(Date.now() + LATER) })), kept: true },
      'never expiring': { ...(await key({})), kept: true },
      'a bootstrap key revoked long ago': {
        ...(await key({ revokedAt: ago(PAST), name: BOOTSTRAP_KEY_NAME })),
        kept: true,
      },
    };

    const { kept, expected } = await verdictsAfterSweeps(service.url, 'api_keys', cases, async (ids) =>
      (await prisma.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
    );
    expect(kept).toEqual(expected);
  });

  it('deletes a subscription deleted before the period once no delivery refers to it', async () => {
    const subscription = async (deletedAgo: number | null, withDelivery = false) => {
      const { id } = await createSubscriptionRow(prisma, { events: ['order.created'] });
      // The delivery first: the sweep runs every 200 ms and would take the subscription before it.
      if (withDelivery) {
        await storeDelivery(prisma, {
          subscriptionId: id,
          status: DeliveryStatus.retrying,
          createdAt: ago(PAST),
        });
      }
      if (deletedAgo !== null) {
        await prisma.subscription.update({ where: { id }, data: { deletedAt: ago(deletedAgo) } });
      }
      return { id };
    };
    const cases = {
      'deleted long ago': { ...(await subscription(PAST)), kept: false },
      'deleted long ago, a delivery left': { ...(await subscription(PAST, true)), kept: true },
      'deleted recently': { ...(await subscription(RECENT)), kept: true },
      active: { ...(await subscription(null)), kept: true },
    };

    const { kept, expected } = await verdictsAfterSweeps(service.url, 'subscriptions', cases, async (ids) =>
      (await prisma.subscription.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
        (r) => r.id,
      ),
    );
    expect(kept).toEqual(expected);
  });

  it.each(
    adminSweeps({
      AUDIT_LOG_RETENTION_MS: HOUR,
      API_KEY_RETENTION_MS: HOUR,
      DELETED_SUBSCRIPTION_RETENTION_MS: HOUR,
    }),
  )('walks $table along an index, one batch per step however many share a time', async (sweep) => {
    expect(await unboundedWalk(prisma, sweep)).toEqual([]);
  });
});
