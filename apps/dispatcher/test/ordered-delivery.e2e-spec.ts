import { DeliveryStatus, SubscriptionOrdering, type PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { deadLetterCodec, publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import { waitFor } from '@smart-dairy/stack';
import {
  TestReceiver,
  TopicReader,
  connectTestPrisma,
  enqueueDeliveries,
  type Behaviour,
  type EnqueueOptions,
} from '@smart-dairy/testing';
import { randomUUID } from 'node:crypto';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(180_000);

const status = (code: number): Behaviour => ({ kind: 'status', status: code });
/** A first retry long enough for everything else to happen meanwhile. */
const RETRY_AFTER_MS = 3_000;
const SWEEP_MS = 300;

describe('dispatcher: ordered delivery per key', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;
  let deadLetters: TopicReader;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = await new DispatcherFixture('ord', prisma, {
      ...FAST_RETRIES,
      RETRY_SCHEDULE: `${RETRY_AFTER_MS}ms`,
      RETRY_MAX_ATTEMPTS: '3',
      ORDERING_SWEEP_INTERVAL_MS: String(SWEEP_MS),
      // Breakers stay closed: these tests are about one key's failures, not the endpoint's.
      BREAKER_VOLUME_THRESHOLD: '100000',
    }).start();
    deadLetters = await new TopicReader(fixture.kafka, [INTERNAL_TOPICS.deadLetter]).start();
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  /** A subscription with per_key ordering whose endpoint follows the script, request by request. */
  async function orderedSubscription(path: string, ...script: Behaviour[]) {
    const sub = await fixture.subscribe(receiver, path, ...script);
    await prisma.subscription.update({
      where: { id: sub.id },
      data: { ordering: SubscriptionOrdering.per_key },
    });
    return sub;
  }

  /** Deliveries of one key, the first at `firstOffset` on its partition, the others after it. */
  const enqueueKey = (
    subscriptionId: string,
    key: string,
    firstOffset: number,
    options: Partial<EnqueueOptions> = {},
  ) =>
    enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId,
      count: 1,
      ordering: { key, firstOffset },
      ...options,
    });

  /** The delivery ids of the requests an endpoint accepted (its script said 2xx), in arrival order. */
  function accepted(path: string, script: Behaviour[]): string[] {
    return receiver.hits(path).flatMap((hit, i) => {
      const behaviour = script[Math.min(i, script.length - 1)] ?? status(200);
      return behaviour.kind === 'status' && behaviour.status < 300 ? [hit.deliveryId] : [];
    });
  }

  const row = (id: string) => prisma.delivery.findUniqueOrThrow({ where: { id } });
  const waitingFor = (id: string) =>
    waitFor(async () => (await row(id)).waitingFor ?? undefined, { description: `${id} to wait` });

  it('sends one key’s events in order whatever the order and priority of their tasks, each once the one ahead is delivered', async () => {
    const script = [status(500), status(200)];
    const sub = await orderedSubscription('one-key', ...script);
    const key = `ORD-${randomUUID()}`;
    // A medium-priority event, then two high-priority ones: priorities do not apply within a key.
    const [first] = await enqueueKey(sub.id, key, 0, {
      eventType: 'order.updated',
      priority: 'medium',
      publish: false,
    });
    const later = await enqueueKey(sub.id, key, 1, {
      count: 2,
      eventType: 'order.cancelled',
      publish: false,
    });
    const [second, third] = later;
    // Tasks last first: each is checked against Postgres, not against the order tasks arrive in.
    await publishDeliveryTasks(fixture.kafka, [...later].reverse());
    await publishDeliveryTasks(fixture.kafka, [first!]);

    // The first fails once and waits for its retry; the others wait, each for the one just before it.
    expect(await waitingFor(second!.deliveryId)).toBe(first!.deliveryId);
    expect(await waitingFor(third!.deliveryId)).toBe(second!.deliveryId);
    expect((await row(second!.deliveryId)).nextAttemptAt).toBeNull();

    for (const d of [first, second, third]) {
      const settled = await fixture.settled(d!.deliveryId);
      expect(settled.status).toBe(DeliveryStatus.delivered);
      expect(settled.waitingFor).toBeNull();
    }
    expect(receiver.hits('one-key').map((h) => h.deliveryId)).toEqual(
      [first, first, second, third].map((d) => d!.deliveryId),
    );
    expect(accepted('one-key', script)).toEqual([first, second, third].map((d) => d!.deliveryId));
  });

  it('lets the next events of a key go after a dead letter, which records it; a replay goes out of order', async () => {
    const script = [status(400), status(200)];
    const sub = await orderedSubscription('dead-letter', ...script);
    const key = `ORD-${randomUUID()}`;
    const [dead, ...others] = await enqueueKey(sub.id, key, 10, { count: 3 });
    for (const d of others) expect((await fixture.settled(d.deliveryId)).status).toBe('delivered');
    expect((await fixture.settled(dead!.deliveryId)).status).toBe('dead_lettered');
    expect(receiver.hits('dead-letter').map((h) => h.deliveryId)).toEqual(
      [dead, ...others].map((d) => d!.deliveryId),
    );
    const letter = await waitFor(() =>
      deadLetters
        .values((v) => deadLetterCodec.decode(v))
        .flatMap((d) => (d.ok && d.value.deliveryId === dead!.deliveryId ? [d.value] : []))
        .at(0),
    );
    expect(letter.orderingKey).toBe(key);

    // What a DLQ replay does: the request on the row, then a replay task. Nothing holds it back.
    await prisma.delivery.update({
      where: { id: dead!.deliveryId },
      data: { replayRequestedAt: new Date() },
    });
    const replay: DeliveryTask = { ...dead!, replay: true };
    await publishDeliveryTasks(fixture.kafka, [replay]);
    await waitFor(async () => (await row(dead!.deliveryId)).status === 'delivered');
    expect(receiver.hits('dead-letter').map((h) => h.deliveryId)).toEqual(
      [dead, ...others, dead].map((d) => d!.deliveryId),
    );
  });

  it('holds back only the failing key: other keys of the subscription go meanwhile', async () => {
    const script = [status(500), status(200)];
    const sub = await orderedSubscription('two-keys', ...script);
    const [keyA, keyB] = [`ORD-A-${randomUUID()}`, `ORD-B-${randomUUID()}`];
    const [headA] = await enqueueKey(sub.id, keyA, 0);
    await waitFor(() => receiver.hits('two-keys').length === 1, { description: 'the first attempt' });
    const laterA = await enqueueKey(sub.id, keyA, 1, { count: 2 });
    const keyBDeliveries = await enqueueKey(sub.id, keyB, 0, { count: 3 });
    for (const d of [...laterA, ...keyBDeliveries]) await fixture.settled(d.deliveryId);

    const order = receiver.hits('two-keys').map((h) => h.deliveryId);
    const retryOfA = order.lastIndexOf(headA!.deliveryId);
    expect(retryOfA).toBeGreaterThan(0);
    // Key B went while key A's first event waited for its retry; key A's later ones only after it.
    for (const d of keyBDeliveries) expect(order.indexOf(d.deliveryId)).toBeLessThan(retryOfA);
    expect(order.slice(retryOfA)).toEqual([headA, ...laterA].map((d) => d!.deliveryId));
  });

  it('shows per subscription how many keys are held back and how long the oldest has waited', async () => {
    const script = [status(500), status(500), status(500), status(200)];
    const sub = await orderedSubscription('held-metrics', ...script);
    const key = `ORD-${randomUUID()}`;
    const [head, held] = await enqueueKey(sub.id, key, 0, { count: 2 });
    const gauge = async (name: string) => {
      const text = await (await fetch(`${fixture.service.url}/metrics`)).text();
      const line = new RegExp(`^${name}\\{[^}]*subscription_id="${sub.id}"[^}]*\\} (\\S+)$`, 'm').exec(text);
      return line ? Number(line[1]) : undefined;
    };
    await waitFor(async () => (await gauge('dispatcher_ordering_held_keys')) === 1, {
      description: 'one key held back',
    });
    expect(await gauge('dispatcher_ordering_oldest_held_seconds')).toBeGreaterThan(0);
    // The head is dead-lettered after its three attempts; the one it held back goes, and nothing is held.
    expect((await fixture.settled(head!.deliveryId)).status).toBe('dead_lettered');
    expect((await fixture.settled(held!.deliveryId)).status).toBe('delivered');
    await waitFor(async () => (await gauge('dispatcher_ordering_held_keys')) === 0, {
      description: 'nothing held back',
    });
  });

  it('releases a delivery whose release was lost in a crash, at the next sweep', async () => {
    const sub = await orderedSubscription('lost-release');
    const key = `ORD-${randomUUID()}`;
    const [ended, waiting] = await enqueueKey(sub.id, key, 0, { count: 2, publish: false });
    // What a crash between ending the first and publishing the second's task leaves behind.
    await prisma.delivery.update({
      where: { id: ended!.deliveryId },
      data: { status: DeliveryStatus.delivered, orderReleasedAt: new Date(Date.now() - 10 * SWEEP_MS) },
    });
    await prisma.delivery.update({
      where: { id: waiting!.deliveryId },
      data: { waitingFor: ended!.deliveryId, nextAttemptAt: null },
    });
    expect((await fixture.settled(waiting!.deliveryId)).status).toBe('delivered');
    expect(receiver.hits('lost-release').map((h) => h.deliveryId)).toEqual([waiting!.deliveryId]);
    const metrics = await (await fetch(`${fixture.service.url}/metrics`)).text();
    expect(
      Number(/^dispatcher_ordering_missed_releases_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1]),
    ).toBeGreaterThan(0);
  });

  it('leaves a waiting delivery alone while the one ahead has not ended', async () => {
    const sub = await orderedSubscription('still-open');
    const key = `ORD-${randomUUID()}`;
    const [open, waiting] = await enqueueKey(sub.id, key, 0, { count: 2, publish: false });
    await prisma.delivery.update({
      where: { id: waiting!.deliveryId },
      data: { waitingFor: open!.deliveryId, nextAttemptAt: null },
    });
    // Its task arrives all the same (a re-read, say): it is parked again, not sent.
    await publishDeliveryTasks(fixture.kafka, [waiting!]);
    await new Promise((resolve) => setTimeout(resolve, 5 * SWEEP_MS));
    expect(receiver.hits('still-open')).toHaveLength(0);
    expect((await row(waiting!.deliveryId)).waitingFor).toBe(open!.deliveryId);
    // The one ahead is sent and delivered: the waiting one follows.
    await publishDeliveryTasks(fixture.kafka, [open!]);
    expect((await fixture.settled(waiting!.deliveryId)).status).toBe('delivered');
    expect(receiver.hits('still-open').map((h) => h.deliveryId)).toEqual([
      open!.deliveryId,
      waiting!.deliveryId,
    ]);
  });
});
