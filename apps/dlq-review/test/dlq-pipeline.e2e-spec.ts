import type { PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { waitFor, type ServiceName, type ServiceProcess } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestKafka,
  connectTestPrisma,
  createSubscriptionRow,
  enqueueDeliveries,
  startTestService,
  uniquePrefix,
  type Behaviour,
  type ReceivedDelivery,
} from '@smart-dairy/testing';
import { apiClient, createApiKeys, entryIdOf } from './support';

jest.setTimeout(300_000);

const status = (code: number): Behaviour => ({ kind: 'status', status: code });

interface SystemEnvelope {
  event: string;
  data: Record<string, unknown>;
}

/**
 * The whole path with real processes: the dispatcher sends to a real HTTP receiver that verifies
 * signatures, dlq-review keeps the queue, and ingestion fans operational events out to an operator
 * endpoint subscribed to `system.*`.
 */
describe('dlq-review with the dispatcher and ingestion', () => {
  const prefix = uniquePrefix('dlqp');
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let receiver: TestReceiver;
  const services: ServiceProcess[] = [];
  const subscriptions: string[] = [];
  let dlq: ServiceProcess;
  let keys: Record<'admin' | 'read', string>;
  let call: ReturnType<typeof apiClient>;

  async function start(name: ServiceName, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    const service = await startTestService(name, prefix, env);
    services.push(service);
    return service;
  }

  /** A subscription to order.created whose endpoint is a path of the receiver. */
  async function partner(path: string, ...script: Behaviour[]) {
    const sub = await createSubscriptionRow(prisma, { events: ['order.created'], url: receiver.url(path) });
    receiver.endpoint(path, sub.secret, ...script);
    subscriptions.push(sub.id);
    return sub;
  }

  const entryOf = (deliveryId: string) => prisma.deadLetterEntry.findUnique({ where: { deliveryId } });

  const operatorEvents = (type: string, field: string, value: string): ReceivedDelivery[] =>
    receiver.hits('ops').filter((hit) => {
      const envelope = hit.envelope as SystemEnvelope;
      return hit.eventType === type && envelope.data[field] === value;
    });

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    keys = await createApiKeys(prisma, 'dlq-pipeline');
    // Loaded by ingestion at start: the operators' endpoint for every operational event.
    const ops = await createSubscriptionRow(prisma, { events: ['system.*'], url: receiver.url('ops') });
    receiver.endpoint('ops', ops.secret, status(200));
    subscriptions.push(ops.id);

    const [, , review] = await Promise.all([
      start('ingestion', {}),
      start('dispatcher', {
        RETRY_SCHEDULE: '200ms,400ms',
        RETRY_MAX_ATTEMPTS: '3',
        SCHEDULER_INTERVAL_MS: '100',
        // These tests are about the queue, not the breakers: thousands of 404s must not open one.
        BREAKER_VOLUME_THRESHOLD: '100000',
      }),
      start('dlq-review', {}),
    ]);
    dlq = review!;
    call = apiClient(dlq.url);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    // The database is shared: leave nothing another suite's ingestion could match (it makes waiting
    // deliveries for a disabled subscription).
    await prisma?.subscription.updateMany({
      where: { id: { in: subscriptions } },
      data: { deletedAt: new Date() },
    });
    await receiver?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  it('dead-letters a delivery answered 404 with its history, and a replay after the fix resolves it', async () => {
    const sub = await partner('partner-404', status(404));
    const [task] = await enqueueDeliveries(prisma, kafka, { subscriptionId: sub.id, count: 1 });
    const deliveryId = task!.deliveryId;

    await waitFor(() => entryOf(deliveryId), { description: 'the dead letter entry' });
    const { body: entry } = await call<{
      review_status: string;
      error_class: string;
      final_error: string;
      history: { attempt: number; status_code: number; error_class: string; latency_ms: number }[];
      payload: { id: string; event: string; data: unknown };
    }>(keys.read, `/v1/dlq/${entryIdOf(deliveryId)}`);
    const attempts = await prisma.deliveryAttempt.findMany({ where: { deliveryId } });
    expect(entry).toMatchObject({
      review_status: 'pending',
      error_class: 'http_404',
      final_error: expect.stringContaining('404'),
      payload: { id: task!.eventId, event: 'order.created', data: task!.data },
    });
    expect(entry.history).toEqual([
      expect.objectContaining({
        attempt: 1,
        status_code: 404,
        error_class: 'http_404',
        latency_ms: attempts[0]!.latencyMs,
      }),
    ]);

    // Operators hear of it on their system.* endpoint, signed like any delivery.
    await waitFor(() => operatorEvents('system.dead_lettered', 'delivery_id', deliveryId).length > 0, {
      description: 'system.dead_lettered at the operator endpoint',
    });
    const [notice] = operatorEvents('system.dead_lettered', 'delivery_id', deliveryId);
    expect(notice).toMatchObject({ verified: true });
    expect((notice!.envelope as SystemEnvelope).data).toMatchObject({
      subscription_id: sub.id,
      error_class: 'http_404',
      attempts: 1,
    });

    receiver.script('partner-404', status(200));
    const replayed = await call(keys.admin, `/v1/dlq/${entryIdOf(deliveryId)}/replay`, { method: 'POST' });
    expect(replayed.status).toBe(202);
    await waitFor(async () => (await entryOf(deliveryId))?.reviewStatus === 'resolved', {
      description: 'the entry resolved',
    });
    const hits = receiver.hits('partner-404');
    expect(hits.map((h) => [h.deliveryId, h.verified])).toEqual([
      [deliveryId, true],
      [deliveryId, true],
    ]);
    // The replay was a request recorded with the entry's change, and the attempt that answered it cleared it.
    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect([delivery.status, delivery.replayRequestedAt]).toEqual(['delivered', null]);
  });

  it('sends a replay once when the same entry is replayed ten times at once', async () => {
    const sub = await partner('partner-race', status(404));
    const [task] = await enqueueDeliveries(prisma, kafka, { subscriptionId: sub.id, count: 1 });
    await waitFor(() => entryOf(task!.deliveryId));
    receiver.script('partner-race', status(200));

    const path = `/v1/dlq/${entryIdOf(task!.deliveryId)}/replay`;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await call(keys.admin, path, { method: 'POST' })).status),
    );
    expect(statuses.sort()).toEqual([202, ...Array<number>(9).fill(409)]);
    await waitFor(async () => (await entryOf(task!.deliveryId))?.reviewStatus === 'resolved');
    // Anything sent twice would have arrived by now: the dispatcher's retries are 200 ms apart.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.hits('partner-race')).toHaveLength(2);
  });

  it('replays 1,000 entries selected by a filter, delivering each exactly once more', async () => {
    const sub = await partner('partner-bulk', status(404));
    const tasks = await enqueueDeliveries(prisma, kafka, { subscriptionId: sub.id, count: 1_000 });
    const pending = () =>
      prisma.deadLetterEntry.count({ where: { subscriptionId: sub.id, reviewStatus: 'pending' } });
    await waitFor(async () => (await pending()) === 1_000, {
      timeoutMs: 120_000,
      description: '1,000 entries in the queue',
    });
    expect(receiver.hits('partner-bulk')).toHaveLength(1_000);

    // A thousand failures in a row cross each threshold once.
    await waitFor(() => operatorEvents('system.endpoint_failing', 'subscription_id', sub.id).length >= 3, {
      timeoutMs: 60_000,
      description: 'system.endpoint_failing at 10, 100 and 1,000',
    });
    expect(
      operatorEvents('system.endpoint_failing', 'subscription_id', sub.id).map(
        (hit) => (hit.envelope as SystemEnvelope).data.threshold,
      ),
    ).toEqual([10, 100, 1_000]);

    receiver.script('partner-bulk', status(200));
    const started = performance.now();
    const { status: code, body } = await call(keys.admin, '/v1/dlq/replay', {
      method: 'POST',
      body: { filter: { subscription_id: sub.id, status: 'pending' } },
    });
    const answeredMs = Math.round(performance.now() - started);
    expect(code).toBe(202);
    expect(body).toEqual({ requested: 1_000, replayed: 1_000, skipped: 0, has_more: false });
    const resolved = () =>
      prisma.deadLetterEntry.count({ where: { subscriptionId: sub.id, reviewStatus: 'resolved' } });
    await waitFor(async () => (await resolved()) === 1_000, { timeoutMs: 120_000, intervalMs: 200 });
    const resolvedMs = Math.round(performance.now() - started);
    console.log(
      `bulk replay of 1,000: answered in ${answeredMs} ms, all delivered and resolved in ${resolvedMs} ms`,
    );

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const perDelivery = new Map<string, number>();
    for (const hit of receiver.hits('partner-bulk')) {
      expect(hit.verified).toBe(true);
      perDelivery.set(hit.deliveryId, (perDelivery.get(hit.deliveryId) ?? 0) + 1);
    }
    expect(perDelivery.size).toBe(1_000);
    expect(new Set(perDelivery.keys())).toEqual(new Set(tasks.map((t) => t.deliveryId)));
    expect([...perDelivery.values()].every((n) => n === 2)).toBe(true);
  });

  it('tells the operators, signed, when the dispatcher disables a subscription', async () => {
    const sub = await partner('partner-gone', status(410));
    await enqueueDeliveries(prisma, kafka, { subscriptionId: sub.id, count: 1 });
    await waitFor(
      () => operatorEvents('system.subscription_disabled', 'subscription_id', sub.id).length > 0,
      {
        description: 'system.subscription_disabled at the operator endpoint',
      },
    );
    const [notice] = operatorEvents('system.subscription_disabled', 'subscription_id', sub.id);
    expect(notice?.verified).toBe(true);
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect(row.status).toBe('disabled');
    expect((notice!.envelope as SystemEnvelope).data).toEqual({
      subscription_id: sub.id,
      reason: row.disabledReason,
      disabled_at: expect.any(String),
    });
  });
});
