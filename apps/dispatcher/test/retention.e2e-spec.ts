import { DeliveryStatus, SubscriptionStatus, type PrismaService } from '@smart-dairy/db';
import { ServiceProcess, freePort } from '@smart-dairy/stack';
import {
  FAST_RETENTION,
  ago,
  connectTestPrisma,
  createSubscriptionRow,
  newDeliveryId,
  serviceEnv,
  storeDelivery,
  uniquePrefix,
  verdictsAfterSweeps,
  type AgedDelivery,
  type RetentionCase,
  unboundedWalk,
} from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { deliveriesSweep } from '../src/retention/delivery-retention';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const PAST = 2 * HOUR;
const RECENT = 10 * 60_000;

describe('dispatcher retention: deliveries and their attempts', () => {
  let prisma: PrismaService;
  let dispatcher: ServiceProcess;
  const logs: string[] = [];

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    dispatcher = new ServiceProcess('dispatcher', {
      port: await freePort(),
      env: serviceEnv(uniquePrefix('ret'), {
        ...FAST_RETENTION,
        DELIVERED_RETENTION_MS: String(HOUR),
        DEAD_LETTERED_RETENTION_MS: String(HOUR),
        DELETED_SUBSCRIPTION_RETENTION_MS: String(HOUR),
        DISABLED_BACKLOG_RETENTION_MS: String(HOUR),
      }),
      onLine: (line) => logs.push(line),
    }).start();
    await dispatcher.waitUntilReady();
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await prisma?.$disconnect();
  });

  /** A subscription in the given state since the given time. */
  async function subscription(state: 'active' | { disabledAt: Date } | { deletedAt: Date }) {
    const row = await createSubscriptionRow(prisma, { events: ['order.created'] });
    if (state !== 'active') {
      await prisma.subscription.update({
        where: { id: row.id },
        data:
          'disabledAt' in state
            ? { status: SubscriptionStatus.disabled, disabledAt: state.disabledAt }
            : { deletedAt: state.deletedAt },
      });
    }
    return row.id;
  }

  async function deadLetterEntryFor(deliveryId: string, subscriptionId: string): Promise<void> {
    await prisma.deadLetterEntry.create({
      data: {
        id: `dlq_${randomBytes(16).toString('hex')}`,
        deliveryId,
        subscriptionId,
        eventId: 'evt',
        eventType: 'order.created',
        priority: 'high',
        payload: {},
        history: [],
        finalError: 'HTTP 404',
        errorClass: 'http_404',
        movedAt: ago(PAST),
      },
    });
  }

  it('deletes what each period ends and keeps recent, waiting and still-reviewed deliveries', async () => {
    const active = await subscription('active');
    const deletedLongAgo = await subscription({ deletedAt: ago(PAST) });
    const deletedRecently = await subscription({ deletedAt: ago(RECENT) });
    const disabledLongAgo = await subscription({ disabledAt: ago(PAST) });
    const disabledRecently = await subscription({ disabledAt: ago(RECENT) });
    const old = { createdAt: ago(PAST + HOUR), updatedAt: ago(PAST) };
    // The entry first: the sweep runs every 200 ms and must never see the delivery without it.
    const inReview = newDeliveryId();
    await deadLetterEntryFor(inReview, active);

    const cases: Record<string, AgedDelivery & { kept: boolean }> = {
      'delivered long ago': { subscriptionId: active, status: DeliveryStatus.delivered, ...old, kept: false },
      'created long ago, delivered recently': {
        subscriptionId: active,
        status: DeliveryStatus.delivered,
        createdAt: ago(PAST),
        updatedAt: ago(RECENT),
        kept: true,
      },
      'retrying since long ago': {
        subscriptionId: active,
        status: DeliveryStatus.retrying,
        ...old,
        kept: true,
      },
      'dead-lettered long ago, entry gone': {
        subscriptionId: active,
        status: DeliveryStatus.dead_lettered,
        ...old,
        kept: false,
      },
      'dead-lettered long ago, entry still in review': {
        id: inReview,
        subscriptionId: active,
        status: DeliveryStatus.dead_lettered,
        ...old,
        kept: true,
      },
      'dead-lettered recently, no entry yet': {
        subscriptionId: active,
        status: DeliveryStatus.dead_lettered,
        createdAt: ago(RECENT),
        kept: true,
      },
      'of a subscription deleted long ago': {
        subscriptionId: deletedLongAgo,
        status: DeliveryStatus.retrying,
        ...old,
        kept: false,
      },
      'of a subscription deleted recently': {
        subscriptionId: deletedRecently,
        status: DeliveryStatus.retrying,
        ...old,
        kept: true,
      },
      'pending for a subscription disabled long ago': {
        subscriptionId: disabledLongAgo,
        status: DeliveryStatus.pending,
        ...old,
        kept: false,
      },
      'parked for a subscription disabled long ago': {
        subscriptionId: disabledLongAgo,
        status: DeliveryStatus.retrying,
        ...old,
        kept: false,
      },
      'recent, for a subscription disabled long ago': {
        subscriptionId: disabledLongAgo,
        status: DeliveryStatus.pending,
        createdAt: ago(RECENT),
        kept: true,
      },
      'old, for a subscription disabled recently': {
        subscriptionId: disabledRecently,
        status: DeliveryStatus.retrying,
        ...old,
        kept: true,
      },
    };
    const stored: Record<string, RetentionCase> = {};
    for (const [name, { kept, ...delivery }] of Object.entries(cases)) {
      stored[name] = { id: await storeDelivery(prisma, delivery), kept };
    }

    const { kept, expected } = await verdictsAfterSweeps(dispatcher.url, 'deliveries', stored, async (ids) =>
      (await prisma.delivery.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
        (row) => row.id,
      ),
    );
    expect(kept).toEqual(expected);
    // Attempts go with their delivery, and only then.
    const attempts = await prisma.deliveryAttempt.findMany({
      where: { deliveryId: { in: Object.values(stored).map((c) => c.id) } },
    });
    const left = Object.values(stored)
      .filter((c) => c.kept)
      .map((c) => c.id);
    expect(new Set(attempts.map((a) => a.deliveryId))).toEqual(new Set(left));
    // The subscription's row is the subscriptions service's to delete.
    expect(await prisma.subscription.count({ where: { id: deletedLongAgo } })).toBe(1);
    expect(logs.filter((line) => line.includes('periodic job failed'))).toEqual([]);
  });

  it('walks deliveries along an index, one batch per step however many share a time', async () => {
    const sweep = deliveriesSweep({
      DELIVERED_RETENTION_MS: HOUR,
      DEAD_LETTERED_RETENTION_MS: HOUR,
      DELETED_SUBSCRIPTION_RETENTION_MS: HOUR,
      DISABLED_BACKLOG_RETENTION_MS: HOUR,
    });
    expect(await unboundedWalk(prisma, sweep)).toEqual([]);
  });
});
