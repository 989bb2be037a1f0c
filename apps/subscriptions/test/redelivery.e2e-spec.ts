import { DeliveryStatus, type PrismaService } from '@smart-dairy/db';
import { CATEGORY_TOPICS, INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { deliveryTaskCodec } from '@smart-dairy/messages';
import { EVENT_CATALOG, categoryOf, deliveryIdFor, type EventType } from '@smart-dairy/schemas';
import { waitFor, type ServiceName, type ServiceProcess } from '@smart-dairy/stack';
import {
  TestReceiver,
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  startTestService,
  uniquePrefix,
  type Behaviour,
} from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { ApiClient, expectProblem, problemPaths, startSubscriptions } from './api-client';

jest.setTimeout(300_000);

const status = (code: number): Behaviour => ({ kind: 'status', status: code });
const entryIdOf = (deliveryId: string) => `dlq_${deliveryId.slice(3)}`;

interface RecoveryView {
  recovered: { retrying: number; dead_lettered: number; waiting: number };
  skipped: number;
  since: string;
  until: string;
}

/**
 * Sending old deliveries again, with every service running from dist/: a recovered window after an
 * outage, and the deliveries that waited while a subscription was disabled. The dispatcher sends one
 * request at a time per endpoint, so an endpoint receives its deliveries in the order their tasks were
 * published; each subscription takes its own event type, so they do not see each other's events.
 */
describe('recover and backlog, end to end', () => {
  const prefix = uniquePrefix('redeliv');
  const adminKey = `sdk_${randomBytes(32).toString('base64url')}`;
  const services: ServiceProcess[] = [];
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let api: ApiClient;
  let dlq: ApiClient;
  let tasks: TopicReader;
  const subs: Record<'recover' | 'race' | 'held' | 'discard' | 'gone', { id: string; type: EventType }> = {
    recover: { id: '', type: 'order.cancelled' },
    race: { id: '', type: 'payment.failed' },
    held: { id: '', type: 'shipment.updated' },
    discard: { id: '', type: 'order.updated' },
    gone: { id: '', type: 'payment.refunded' },
  };
  type Sub = keyof typeof subs;

  async function start(name: ServiceName, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    const service = await startTestService(name, prefix, env);
    services.push(service);
    return service;
  }

  /**
   * Publishes one event of the subscription's type and returns the id of its delivery to that subscription.
   * One key per subscription by default: its events are read, fanned out and handed off in the order published.
   */
  async function publish(sub: Sub, label: string, key: string = sub): Promise<string> {
    const { id: subscriptionId, type } = subs[sub];
    const eventId = `evt-${prefix}-${label}`;
    await kafka.producer.send({
      topic: kafka.topic(CATEGORY_TOPICS[categoryOf(type)]),
      messages: [
        {
          key,
          value: JSON.stringify({
            id: eventId,
            event: type,
            timestamp: new Date().toISOString(),
            data: EVENT_CATALOG[type].sample,
          }),
        },
      ],
    });
    return deliveryIdFor({ type, id: eventId }, subscriptionId);
  }

  const rowsOf = (ids: readonly string[]) => prisma.delivery.findMany({ where: { id: { in: [...ids] } } });

  async function waitForStatus(ids: readonly string[], wanted: DeliveryStatus): Promise<void> {
    await waitFor(
      async () => {
        const rows = await rowsOf(ids);
        return rows.length === ids.length && rows.every((row) => row.status === wanted);
      },
      { timeoutMs: 60_000, description: `${ids.length} deliveries ${wanted}` },
    );
  }

  /** The deliveries the endpoint received (from its `from`-th request on), among `ids`, in order. */
  const received = (sub: Sub, ids: readonly string[], from = 0) =>
    receiver
      .hits(sub)
      .slice(from)
      .filter((hit) => ids.includes(hit.deliveryId))
      .map((hit) => [hit.deliveryId, hit.attempt, hit.verified]);

  /**
   * Once an event published now has reached the endpoint, every task published before it for that
   * endpoint has been dealt with: same partition, one request at a time.
   */
  async function drain(sub: Sub, label: string): Promise<void> {
    const marker = await publish(sub, label);
    await waitFor(() => receiver.hits(sub).some((hit) => hit.deliveryId === marker), {
      timeoutMs: 60_000,
      description: `marker ${label} delivered`,
    });
  }

  const backlogOf = async (sub: Sub): Promise<number> =>
    ((await api.get(`/v1/subscriptions/${subs[sub].id}/stats`)).body as { backlog: number }).backlog;

  const reviewStatus = async (deliveryId: string): Promise<string | undefined> =>
    ((await dlq.get(`/v1/dlq/${entryIdOf(deliveryId)}`)).body as { review_status?: string } | undefined)
      ?.review_status;

  const auditOf = (sub: Sub, action: string) =>
    prisma.auditLogEntry.findFirstOrThrow({
      where: { targetId: subs[sub].id, action },
      orderBy: { id: 'desc' },
    });

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    tasks = await new TopicReader(kafka, [
      INTERNAL_TOPICS.deliveriesHigh,
      INTERNAL_TOPICS.deliveriesMedium,
      INTERNAL_TOPICS.deliveriesLow,
    ]).start();
    const subscriptions = await startSubscriptions(prefix, {
      ADMIN_API_KEY: adminKey,
      // Backlogs and windows of a few deliveries still go in several batches.
      REDELIVERY_BATCH_SIZE: '2',
    });
    services.push(subscriptions);
    api = new ApiClient(subscriptions.url, adminKey);
    // Created before ingestion starts, which loads them all at start.
    for (const [name, sub] of Object.entries(subs)) {
      const res = await api.post('/v1/subscriptions', { url: receiver.url(name), events: [sub.type] });
      expect(res.status).toBe(201);
      const created = res.body as { id: string; secret: string };
      sub.id = created.id;
      receiver.endpoint(name, created.secret, status(200));
    }
    const [, , review] = await Promise.all([
      start('ingestion', {}),
      start('dispatcher', {
        // A failed attempt waits an hour: a retrying delivery stays retrying for the whole suite.
        RETRY_SCHEDULE: '1h',
        ENDPOINT_CONCURRENCY: '1',
        SCHEDULER_INTERVAL_MS: '200',
        BREAKER_VOLUME_THRESHOLD: '100000',
      }),
      start('dlq-review', {}),
    ]);
    dlq = new ApiClient(review!.url, adminKey);
  });

  afterAll(async () => {
    // Deleted, so that no other suite's ingestion makes deliveries for them.
    for (const { id } of Object.values(subs)) if (id) await api?.delete(`/v1/subscriptions/${id}`);
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    await tasks?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  it('recovers a window: only its undelivered deliveries, once each, oldest first, as their next attempt', async () => {
    receiver.script('recover', status(500));
    const before = [await publish('recover', 'before-1'), await publish('recover', 'before-2')];
    await waitForStatus(before, DeliveryStatus.retrying);

    receiver.script('recover', status(200));
    const delivered = [await publish('recover', 'ok-1')];
    await waitForStatus(delivered, DeliveryStatus.delivered);
    receiver.script('recover', status(500));
    const failing = [await publish('recover', 'failing-1'), await publish('recover', 'failing-2')];
    await waitForStatus(failing, DeliveryStatus.retrying);
    receiver.script('recover', status(400));
    const dead = await publish('recover', 'dead');
    const archived = await publish('recover', 'archived');
    await waitForStatus([dead, archived], DeliveryStatus.dead_lettered);
    for (const id of [dead, archived]) {
      await waitFor(async () => (await reviewStatus(id)) === 'pending', {
        description: `DLQ entry of ${id}`,
      });
    }
    // An operator decided this one is not to be sent: a recover leaves it, as a DLQ replay would.
    expect((await dlq.post(`/v1/dlq/${entryIdOf(archived)}/archive`)).status).toBe(200);
    receiver.script('recover', status(200));
    delivered.push(await publish('recover', 'ok-2'));
    await waitForStatus(delivered, DeliveryStatus.delivered);
    receiver.script('recover', status(500));
    const last = await publish('recover', 'failing-3');
    await waitForStatus([last], DeliveryStatus.retrying);

    receiver.script('recover', status(500));
    const after = [await publish('recover', 'after-1')];
    await waitForStatus(after, DeliveryStatus.retrying);

    const inWindow = await rowsOf([...delivered, ...failing, dead, archived, last]);
    const created = inWindow.map((row) => row.createdAt.getTime());
    const since = new Date(Math.min(...created)).toISOString();
    const until = new Date(Math.max(...created) + 1).toISOString();
    receiver.script('recover', status(200));
    const hitsBefore = receiver.hits('recover').length;

    expectProblem(
      await api.post(`/v1/subscriptions/${subs.recover.id}/recover`, { since, until }, { key: '' }),
      401,
      'unauthorized',
    );
    const res = await api.post(`/v1/subscriptions/${subs.recover.id}/recover`, { since, until });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      subscription_id: subs.recover.id,
      since,
      until,
      recovered: { retrying: 3, dead_lettered: 1, waiting: 0 },
      skipped: 1,
    });
    const recovered = [...failing, dead, last];
    await waitForStatus(recovered, DeliveryStatus.delivered);
    await drain('recover', 'drain-1');

    // Each once, oldest first, as attempt 2 of the same delivery id, and nothing else of the suite's deliveries.
    const everything = [...before, ...delivered, ...failing, dead, archived, last, ...after];
    expect(received('recover', everything, hitsBefore)).toEqual(recovered.map((id) => [id, 2, true]));
    expect(received('recover', everything)).toHaveLength(everything.length + recovered.length);
    expect((await rowsOf([...before, ...after])).map((row) => row.status)).toEqual(
      [...before, ...after].map(() => DeliveryStatus.retrying),
    );
    expect(await reviewStatus(archived)).toBe('archived');
    await waitFor(async () => (await reviewStatus(dead)) === 'resolved', {
      description: 'the recovered dead letter resolved',
    });
    expect((await auditOf('recover', 'subscription.recovered')).details).toEqual({
      since,
      until,
      recovered: { retrying: 3, dead_lettered: 1, waiting: 0 },
      skipped: 1,
    });
  });

  it('refuses a window reaching back further than RECOVER_MAX_AGE_DAYS, or ending before it starts', async () => {
    const path = `/v1/subscriptions/${subs.recover.id}/recover`;
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    expect(problemPaths(await api.post(path, { since: old }))).toEqual(['since']);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect(problemPaths(await api.post(path, { since, until: since }))).toEqual(['until']);
    expect(problemPaths(await api.post(path, {}))).toEqual(['since']);
    expectProblem(
      await api.post(`/v1/subscriptions/wh_sub_${'0'.repeat(24)}/recover`, { since }),
      404,
      'not_found',
    );
  });

  it('sends a dead letter once when a recover and DLQ replays race for it: one of them gets it, the replay a 409 otherwise', async () => {
    receiver.script('race', status(400));
    const dead: string[] = [];
    for (let i = 0; i < 5; i++) dead.push(await publish('race', `dead-${i}`));
    await waitForStatus(dead, DeliveryStatus.dead_lettered);
    for (const id of dead) {
      await waitFor(async () => (await reviewStatus(id)) === 'pending', {
        description: `DLQ entry of ${id}`,
      });
    }
    receiver.script('race', status(200));

    const since = new Date(Date.now() - 3_600_000).toISOString();
    const [recover, ...replays] = await Promise.all([
      api.post(`/v1/subscriptions/${subs.race.id}/recover`, { since }),
      ...dead.map((id) => dlq.post(`/v1/dlq/${entryIdOf(id)}/replay`)),
    ]);
    expect(recover!.status).toBe(202);
    const counts = recover!.body as RecoveryView;
    const replayed = replays.filter((r) => r.status === 202).length;
    expect(replays.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    expect(counts.recovered.dead_lettered + replayed).toBe(dead.length);
    // A replay that won and was answered before the recover looked is no longer dead-lettered: not skipped.
    expect(counts.skipped).toBeLessThanOrEqual(replayed);

    await waitForStatus(dead, DeliveryStatus.delivered);
    await drain('race', 'drain');
    // The failed first attempt, then exactly one more.
    for (const id of dead) expect(received('race', [id]).map(([, attempt]) => attempt)).toEqual([1, 2]);
  });

  it('keeps the events of a disabled subscription waiting, no task sent, and sends them in order once it is enabled', async () => {
    const first = await publish('held', 'before-disable');
    await waitForStatus([first], DeliveryStatus.delivered);
    expect(
      (await api.post(`/v1/subscriptions/${subs.held.id}/disable`, { reason: 'partner maintenance' })).status,
    ).toBe(200);
    expectProblem(
      await api.post(`/v1/subscriptions/${subs.held.id}/recover`, {
        since: new Date(Date.now() - 60_000).toISOString(),
      }),
      409,
      'conflict',
    );

    const held: string[] = [];
    for (let i = 0; i < 5; i++) held.push(await publish('held', `while-disabled-${i}`));
    await waitForStatus(held, DeliveryStatus.waiting);
    const waitingRows = () =>
      prisma.delivery.count({ where: { subscriptionId: subs.held.id, status: 'waiting' } });
    expect(await backlogOf('held')).toBe(await waitingRows());
    expect(await backlogOf('held')).toBeGreaterThanOrEqual(held.length);
    const listed = await api.get(`/v1/subscriptions/${subs.held.id}/deliveries?status=waiting`);
    expect((listed.body as { data: { id: string }[] }).data.map((d) => d.id)).toEqual(
      expect.arrayContaining(held),
    );
    const tasksFor = (ids: readonly string[]) =>
      tasks
        .values((v) => deliveryTaskCodec.decode(v))
        .filter((t) => t.ok && ids.includes(t.value.deliveryId));
    expect(tasksFor(held)).toEqual([]);
    expect(received('held', held)).toEqual([]);

    const enabled = await api.post(`/v1/subscriptions/${subs.held.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ status: 'active', disabled_reason: null });
    await waitForStatus(held, DeliveryStatus.delivered);
    // In order of arrival, each once, as its first attempt.
    expect(received('held', held)).toEqual(held.map((id) => [id, 1, true]));
    await waitFor(() => tasksFor(held).length === held.length, {
      description: 'one task each, after the enable',
    });
    const settled = async () =>
      (await backlogOf('held')) === 0 &&
      (await prisma.subscription.findUniqueOrThrow({ where: { id: subs.held.id } })).backlogDueAt === null;
    await waitFor(settled, { description: 'the backlog gone, and no longer due' });
  });

  it('discards what waited while disabled when enabled with discard_backlog, audited, and sends what comes after', async () => {
    expect((await api.post(`/v1/subscriptions/${subs.discard.id}/disable`)).status).toBe(200);
    const held: string[] = [];
    for (let i = 0; i < 3; i++) held.push(await publish('discard', `while-disabled-${i}`));
    await waitForStatus(held, DeliveryStatus.waiting);

    expect(
      problemPaths(await api.post(`/v1/subscriptions/${subs.discard.id}/enable`, { discard_backlog: 'yes' })),
    ).toEqual(['discard_backlog']);
    const enabled = await api.post(`/v1/subscriptions/${subs.discard.id}/enable`, { discard_backlog: true });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ status: 'active' });
    const rows = await rowsOf(held);
    expect(rows.map((row) => [row.status, row.lastError, row.attemptCount])).toEqual(
      held.map(() => [
        DeliveryStatus.discarded,
        'discarded: the backlog was discarded when the subscription was enabled',
        0,
      ]),
    );
    const audit = await auditOf('discard', 'subscription.enabled');
    expect(audit.details).toMatchObject({ discard_backlog: true, discarded: expect.any(Number) });
    expect((audit.details as { discarded: number }).discarded).toBeGreaterThanOrEqual(held.length);
    expect(await backlogOf('discard')).toBe(0);

    const after = await publish('discard', 'after-enable');
    await waitForStatus([after], DeliveryStatus.delivered);
    await drain('discard', 'drain');
    expect(received('discard', [...held, after])).toEqual([[after, 1, true]]);
  });

  it('makes no delivery for a deleted subscription, and discards what it had waiting', async () => {
    expect((await api.post(`/v1/subscriptions/${subs.gone.id}/disable`)).status).toBe(200);
    const held = await publish('gone', 'while-disabled');
    await waitForStatus([held], DeliveryStatus.waiting);
    expect((await api.delete(`/v1/subscriptions/${subs.gone.id}`)).status).toBe(204);
    await waitForStatus([held], DeliveryStatus.discarded);
    expect((await rowsOf([held]))[0]!.lastError).toBe('discarded: the subscription was deleted');

    const afterDelete = await publish('gone', 'after-delete');
    // Same topic and key, so the same partition, which ingestion reads in order: once this event of
    // another subscription is delivered, the one before it has been fanned out.
    const marker = await publish('race', 'after-delete-marker', 'gone');
    await waitForStatus([marker], DeliveryStatus.delivered);
    expect(await rowsOf([afterDelete])).toEqual([]);
  });
});
