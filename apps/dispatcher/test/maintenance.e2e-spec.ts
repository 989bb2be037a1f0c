import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import { waitFor } from '@smart-dairy/stack';
import { TestReceiver, TopicReader, connectTestPrisma, enqueueDeliveries } from '@smart-dairy/testing';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(120_000);

describe('dispatcher housekeeping', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = await new DispatcherFixture('mnt', prisma, {
      ...FAST_RETRIES,
      MAINTENANCE_INTERVAL_MS: '300',
      AUTO_DISABLE_AFTER_MS: '60000',
      DISABLED_SUBSCRIPTION_RECHECK_MS: '500',
    }).start();
  });

  afterAll(async () => {
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  it('disables a subscription failing for longer than the period, announces it and keeps its deliveries', async () => {
    const changes = await new TopicReader(fixture.kafka, [INTERNAL_TOPICS.subscriptionChanges]).start();
    const failing = await fixture.subscribe(receiver, 'failing-for-days');
    const recent = await fixture.subscribe(receiver, 'failing-since-a-second');
    await prisma.subscription.update({
      where: { id: failing.id },
      data: { failingSince: new Date(Date.now() - 120_000) },
    });
    await prisma.subscription.update({ where: { id: recent.id }, data: { failingSince: new Date() } });

    await waitFor(
      async () =>
        (await prisma.subscription.findUnique({ where: { id: failing.id } }))?.status === 'disabled',
    );
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id: failing.id } });
    expect(row.disabledReason).toContain('every delivery failed');
    expect((await prisma.subscription.findUniqueOrThrow({ where: { id: recent.id } })).status).toBe('active');
    await waitFor(() =>
      changes
        .values((v) => subscriptionChangeCodec.decode(v))
        .some((c) => c.ok && c.value.subscriptionId === failing.id && c.value.change === 'disabled'),
    );
    await changes.stop();

    // A delivery for the disabled subscription waits; enabling it lets it through.
    const [task] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: failing.id, count: 1 });
    await waitFor(
      async () =>
        (await prisma.delivery.findUnique({ where: { id: task!.deliveryId } }))?.lastError ===
        'subscription_disabled',
    );
    expect(receiver.hits('failing-for-days')).toHaveLength(0);
    await prisma.subscription.update({
      where: { id: failing.id },
      data: { status: 'active', failingSince: null },
    });
    // As the subscription service does after enabling it.
    await fixture.kafka.producer.send({
      topic: fixture.kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
      messages: [
        {
          key: failing.id,
          value: subscriptionChangeCodec.encode({
            subscriptionId: failing.id,
            change: 'enabled',
            at: new Date().toISOString(),
          }),
        },
      ],
    });
    const settled = await fixture.settled(task!.deliveryId);
    expect(settled.status).toBe('delivered');
    expect(settled.attempts).toHaveLength(1);
  });
});
