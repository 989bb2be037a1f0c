import { DeliveryStatus, utcTimestamp, type PrismaService } from '@smart-dairy/db';
import { ServiceProcess, freePort } from '@smart-dairy/stack';
import {
  FAST_RETENTION,
  ago,
  awaitSweeps,
  connectTestPrisma,
  createSubscriptionRow,
  serviceEnv,
  storeDelivery,
  storeEvent,
  uniquePrefix,
  unboundedWalk,
} from '@smart-dairy/testing';
import { ingestionSweeps } from '../src/retention/ingestion-retention';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const PAST = 2 * HOUR;
const RECENT = 10 * 60_000;
const MANY = 60;

describe('ingestion retention: events and idempotency records', () => {
  let prisma: PrismaService;
  const replicas: ServiceProcess[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    const prefix = uniquePrefix('ret');
    // Two replicas sweep the same tables: what each deletes, the other must neither miss nor fail on.
    for (let i = 0; i < 2; i += 1) {
      const replica = new ServiceProcess('ingestion', {
        port: await freePort(),
        env: serviceEnv(prefix, {
          ...FAST_RETENTION,
          EVENT_RETENTION_MS: String(HOUR),
          IDEMPOTENCY_RETENTION_MS: String(HOUR),
        }),
        onLine: (line) => logs.push(line),
      });
      replicas.push(replica.start());
    }
    await Promise.all(replicas.map((replica) => replica.waitUntilReady()));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await prisma?.$disconnect();
  });

  it('deletes events received before the period that no delivery refers to, and keeps the others', async () => {
    const subscriptionId = (await createSubscriptionRow(prisma, { events: ['order.created'] })).id;
    const unreferenced = await Promise.all(Array.from({ length: MANY }, () => storeEvent(prisma, ago(PAST))));
    const deliveryId = await storeDelivery(prisma, {
      subscriptionId,
      status: DeliveryStatus.dead_lettered,
      createdAt: ago(PAST),
    });
    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    const referenced = { category: delivery.eventCategory, id: delivery.eventId };
    const recent = await storeEvent(prisma, ago(RECENT));

    await Promise.all(replicas.map((replica) => awaitSweeps(replica.url, 'events')));

    const left = await prisma.event.findMany({
      where: { id: { in: [...unreferenced, referenced, recent].map((e) => e.id) } },
      select: { id: true },
    });
    expect(left.map((e) => e.id).sort()).toEqual([referenced.id, recent.id].sort());
    expect(logs.filter((line) => line.includes('periodic job failed'))).toEqual([]);
  });

  it('deletes idempotency records once the period after their answer ends', async () => {
    const record = (key: string) => ({
      scopeKeyId: 'key_retention',
      key,
      requestHash: 'h',
      statusCode: 202,
      responseBody: { id: key },
    });
    await prisma.idempotencyRecord.createMany({ data: [record('old'), record('recent')] });
    await prisma.$executeRaw`UPDATE "idempotency_records" SET "created_at" = ${utcTimestamp(ago(PAST))}
      WHERE "key" = 'old'`;

    await Promise.all(replicas.map((replica) => awaitSweeps(replica.url, 'idempotency_records')));

    const left = await prisma.idempotencyRecord.findMany({ where: { scopeKeyId: 'key_retention' } });
    expect(left.map((r) => r.key)).toEqual(['recent']);
  });

  it.each(ingestionSweeps({ EVENT_RETENTION_MS: HOUR, IDEMPOTENCY_RETENTION_MS: HOUR }))(
    'walks $table along an index, one batch per step however many share a time',
    async (sweep) => {
      expect(await unboundedWalk(prisma, sweep)).toEqual([]);
    },
  );
});
