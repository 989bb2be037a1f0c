import { ReviewStatus, utcTimestamp, type PrismaService } from '@smart-dairy/db';
import { ServiceProcess, freePort } from '@smart-dairy/stack';
import {
  FAST_RETENTION,
  ago,
  connectTestPrisma,
  serviceEnv,
  uniquePrefix,
  verdictsAfterSweeps,
  unboundedWalk,
} from '@smart-dairy/testing';
import { entryIdOf, newDeliveryId } from './support';
import { entriesSweep } from '../src/retention/entry-retention';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const RECENT = 10 * 60_000;

describe('dlq-review retention: dead letter entries', () => {
  let prisma: PrismaService;
  let service: ServiceProcess;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    service = new ServiceProcess('dlq-review', {
      port: await freePort(),
      env: serviceEnv(uniquePrefix('ret'), {
        ...FAST_RETENTION,
        DEAD_LETTER_CLOSED_RETENTION_MS: String(HOUR),
        DEAD_LETTER_OPEN_RETENTION_MS: String(3 * HOUR),
      }),
    }).start();
    await service.waitUntilReady();
  });

  afterAll(async () => {
    await service?.stop();
    await prisma?.$disconnect();
  });

  /** An entry moved `movedAgo` and last changed `changedAgo`, in the given review status. */
  async function entry(reviewStatus: ReviewStatus, movedAgo: number, changedAgo: number): Promise<string> {
    const deliveryId = newDeliveryId();
    const id = entryIdOf(deliveryId);
    await prisma.deadLetterEntry.create({
      data: {
        id,
        deliveryId,
        subscriptionId: 'wh_sub_retention',
        eventId: 'evt',
        eventType: 'order.created',
        priority: 'high',
        payload: {},
        history: [],
        finalError: 'HTTP 404',
        errorClass: 'http_404',
        reviewStatus,
        movedAt: ago(movedAgo),
      },
    });
    await prisma.$executeRaw`UPDATE "dead_letter_entries" SET "updated_at" = ${utcTimestamp(ago(changedAgo))}
      WHERE "id" = ${id}`;
    return id;
  }

  it('deletes entries done with after one period and forgotten ones after the longer one', async () => {
    const cases = {
      'resolved long ago': { id: await entry(ReviewStatus.resolved, 3 * HOUR, 2 * HOUR), kept: false },
      'archived long ago': { id: await entry(ReviewStatus.archived, 3 * HOUR, 2 * HOUR), kept: false },
      'moved long ago, resolved recently': {
        id: await entry(ReviewStatus.resolved, 3 * HOUR, RECENT),
        kept: true,
      },
      'pending for longer than the closed period': {
        id: await entry(ReviewStatus.pending, 2 * HOUR, 2 * HOUR),
        kept: true,
      },
      'pending for longer than the open period': {
        id: await entry(ReviewStatus.pending, 4 * HOUR, 4 * HOUR),
        kept: false,
      },
      'retrying for longer than the open period': {
        id: await entry(ReviewStatus.retrying, 4 * HOUR, 4 * HOUR),
        kept: false,
      },
      'replayed recently after a long wait': {
        id: await entry(ReviewStatus.retrying, 4 * HOUR, RECENT),
        kept: true,
      },
    };

    const { kept, expected } = await verdictsAfterSweeps(
      service.url,
      'dead_letter_entries',
      cases,
      async (ids) =>
        (await prisma.deadLetterEntry.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
          (e) => e.id,
        ),
    );
    expect(kept).toEqual(expected);
  });

  it('walks entries along an index, one batch per step however many share a time', async () => {
    const sweep = entriesSweep({
      DEAD_LETTER_CLOSED_RETENTION_MS: HOUR,
      DEAD_LETTER_OPEN_RETENTION_MS: HOUR,
    });
    expect(await unboundedWalk(prisma, sweep)).toEqual([]);
  });
});
