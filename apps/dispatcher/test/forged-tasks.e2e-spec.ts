import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { deliveryOutcomeCodec, type DeliveryOutcome } from '@smart-dairy/messages';
import { waitFor } from '@smart-dairy/stack';
import {
  TestReceiver,
  TopicReader,
  connectTestPrisma,
  enqueueDeliveries,
  type EnqueuedDelivery,
} from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { DispatcherFixture } from './dispatcher-fixture';

jest.setTimeout(120_000);

interface LogLine {
  level: string;
  msg: string;
  deliveryId?: string;
  reason?: string;
}

/**
 * Whoever can write to a delivery topic can write a task: the dispatcher sends only what Postgres
 * vouches for, signed with what Postgres holds (docs/protocol.md#envelope).
 */
describe('dispatcher: tasks Postgres does not vouch for', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;
  let outcomes: TopicReader;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = await new DispatcherFixture('forge', prisma, {}).start();
    outcomes = await new TopicReader(fixture.kafka, [INTERNAL_TOPICS.outcomes]).start();
  });

  afterAll(async () => {
    await outcomes?.stop();
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  /** Straight onto `deliveries.high`, as anyone with write access to the topic could. */
  const publishRaw = (...tasks: Record<string, unknown>[]) =>
    fixture.kafka.producer.send({
      topic: fixture.kafka.topic(INTERNAL_TOPICS.deliveriesHigh),
      messages: tasks.map((task) => ({ key: String(task.subscriptionId), value: JSON.stringify(task) })),
    });

  const rejected = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${fixture.service.url}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, reason, value] of text.matchAll(
      /dispatcher_rejected_tasks_total\{reason="(\w+)"[^}]*\} (\d+)/g,
    )) {
      counts[reason!] = Number(value);
    }
    return counts;
  };

  const refusals = (): LogLine[] =>
    fixture.logs.flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as LogLine;
        return parsed.level === 'warn' && parsed.msg.startsWith('delivery task refused') ? [parsed] : [];
      } catch {
        return [];
      }
    });

  const delivered = (tasks: readonly EnqueuedDelivery[]) =>
    Promise.all(tasks.map((t) => fixture.settled(t.deliveryId))).then((rows) =>
      rows.every((row) => row.status === 'delivered'),
    );

  const hitsOf = (deliveryId: string) => receiver.received.filter((h) => h.deliveryId === deliveryId);

  const task = (delivery: EnqueuedDelivery) => ({
    deliveryId: delivery.deliveryId,
    subscriptionId: delivery.subscriptionId,
    priority: delivery.priority,
  });

  let owner: Awaited<ReturnType<DispatcherFixture['subscribe']>>;
  let healthy: EnqueuedDelivery[];

  it('sends none of the forged tasks, warns and counts each, and sends everything genuine around them', async () => {
    owner = await fixture.subscribe(receiver, 'owner');
    const intruder = await fixture.subscribe(receiver, 'intruder');
    const before = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: owner.id, count: 3 });
    expect(await delivered(before)).toBe(true);
    const [done] = before;

    // Genuine pending deliveries whose own tasks are not on the topic (no lease: the scheduler leaves them).
    const [stolen, dressedUp] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: owner.id,
      count: 2,
      publish: false,
    });
    const unknownId = `wh_${randomBytes(16).toString('hex')}`;
    await publishRaw(
      // Another subscription's delivery, pointed at the intruder's endpoint.
      { ...task(stolen!), subscriptionId: intruder.id },
      // A delivery that does not exist.
      { deliveryId: unknownId, subscriptionId: owner.id, priority: 'high' },
      // A replay of a delivered delivery that nobody asked for.
      { ...task(done!), replay: true },
      // A genuine pending delivery, with content of the forger's making.
      {
        ...task(dressedUp!),
        eventId: 'evt_forged',
        eventType: 'order.cancelled',
        occurredAt: '2030-01-01T00:00:00.000Z',
        data: { order_id: 'FORGED', refund_amount: 1_000_000 },
      },
    );
    const after = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: owner.id, count: 3 });

    expect(await delivered([...after, dressedUp!])).toBe(true);
    await waitFor(
      async () => {
        const counts = await rejected();
        return counts.unknown_delivery === 1 &&
          counts.subscription_mismatch === 1 &&
          counts.replay_not_requested === 1
          ? counts
          : undefined;
      },
      { description: 'three refusals counted' },
    );

    // Sent with what Postgres holds, not what the task said.
    const [sent] = hitsOf(dressedUp!.deliveryId);
    expect(sent?.verified).toBe(true);
    expect(sent?.envelope).toEqual({
      id: dressedUp!.deliveryId,
      event: 'order.created',
      timestamp: dressedUp!.occurredAt,
      webhook_id: owner.id,
      attempt: 1,
      data: dressedUp!.data,
    });
    expect(hitsOf(dressedUp!.deliveryId)).toHaveLength(1);

    expect(receiver.hits('intruder')).toEqual([]);
    expect(hitsOf(stolen!.deliveryId)).toEqual([]);
    expect(hitsOf(unknownId)).toEqual([]);
    expect(hitsOf(done!.deliveryId)).toHaveLength(1);
    expect((await prisma.delivery.findUniqueOrThrow({ where: { id: stolen!.deliveryId } })).status).toBe(
      'pending',
    );
    for (const genuine of [...before, ...after]) expect(hitsOf(genuine.deliveryId)).toHaveLength(1);

    expect(
      refusals()
        .map((line) => [line.deliveryId, line.reason])
        .sort(),
    ).toEqual(
      [
        [stolen!.deliveryId, 'subscription_mismatch'],
        [unknownId, 'unknown_delivery'],
        [done!.deliveryId, 'replay_not_requested'],
      ].sort(),
    );
    healthy = [...before, ...after, dressedUp!];
  });

  it('sends a requested replay once, however many tasks point at the request, and publishes its outcome', async () => {
    const [target] = healthy;
    // What a DLQ replay or a manual retry writes before it publishes the task.
    await prisma.delivery.update({
      where: { id: target!.deliveryId },
      data: { replayRequestedAt: new Date() },
    });
    await publishRaw({ ...task(target!), replay: true });
    await waitFor(async () => {
      const row = await prisma.delivery.findUniqueOrThrow({ where: { id: target!.deliveryId } });
      return row.replayRequestedAt === null && row.attemptCount === 2;
    });
    expect(hitsOf(target!.deliveryId).map((h) => [h.attempt, h.verified])).toEqual([
      [1, true],
      [2, true],
    ]);

    // The same task again, once the request was answered: refused like a forged one.
    await publishRaw({ ...task(target!), replay: true });
    await waitFor(async () => ((await rejected()).replay_not_requested === 2 ? true : undefined));
    expect(hitsOf(target!.deliveryId)).toHaveLength(2);

    // Outcomes are for dlq-review: the replay's, and none of the first-attempt successes before it.
    const published = () =>
      outcomes.values((v) => deliveryOutcomeCodec.decode(v)).flatMap((d) => (d.ok ? [d.value] : []));
    await waitFor(() => published().some((o) => o.deliveryId === target!.deliveryId));
    expect(published().map((o: DeliveryOutcome) => [o.deliveryId, o.attempt, o.outcome])).toEqual([
      [target!.deliveryId, 2, 'delivered'],
    ]);
  });
});
