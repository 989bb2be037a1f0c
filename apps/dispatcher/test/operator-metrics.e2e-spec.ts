import type { PrismaService } from '@smart-dairy/db';
import { waitFor } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestPrisma,
  createSubscriptionRow,
  enqueueDeliveries,
  sampleValue,
  samplesOf,
  scrapeExposition,
  scrapeMetrics,
} from '@smart-dairy/testing';
import { DispatcherFixture } from './dispatcher-fixture';

jest.setTimeout(120_000);

const HOUR_MS = 3_600_000;

/** What operators alert on and graph (docs/monitoring.md), read from the dispatcher's live /metrics. */
describe("the dispatcher's operator metrics", () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;
  const others: DispatcherFixture[] = [];

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = await new DispatcherFixture('opmetrics', prisma, {
      METRICS_REFRESH_INTERVAL_MS: '200',
      // Failed attempts wait 7.5 to 12.5 minutes: within the hour, and not again during the test.
      RETRY_SCHEDULE: '10m',
      RETRY_MAX_ATTEMPTS: '5',
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_RESET_TIMEOUT_MS: '600000',
    }).start();
  });

  afterAll(async () => {
    await Promise.all(others.map((o) => o.stop()));
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  const metrics = () => scrapeMetrics(`${fixture.service.url}/metrics`);

  it('counts attempts by status class and code, and times each delivery from its event timestamp', async () => {
    const healthy = await fixture.subscribe(receiver, 'healthy');
    const refused = await createSubscriptionRow(prisma, {
      events: ['order.created'],
      url: 'http://127.0.0.1:1/nobody-listens',
    });
    const [late] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: healthy.id,
      count: 1,
      priority: 'low',
      occurredAt: new Date(Date.now() - 2 * HOUR_MS),
    });
    const [prompt] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: healthy.id, count: 1 });
    await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: refused.id, count: 1 });
    await fixture.settled(late!.deliveryId);
    await fixture.settled(prompt!.deliveryId);

    const samples = await waitFor(async () => {
      const now = await metrics();
      return sampleValue(now, 'dispatcher_attempts_total', { status_class: 'error' }) ? now : undefined;
    });
    expect(
      sampleValue(samples, 'dispatcher_attempts_total', { status_class: '2xx', status_code: '200' }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'dispatcher_attempts_total', {
        status_class: 'error',
        status_code: 'connection_refused',
      }),
    ).toBe(1);
    // Two hours and a few seconds: past the 7200 s bucket, within the next.
    const latency = (labels: Record<string, string>) =>
      sampleValue(samples, 'dispatcher_end_to_end_latency_seconds_bucket', labels);
    expect(latency({ priority: 'low', le: '7200' })).toBe(0);
    expect(latency({ priority: 'low', le: '21600' })).toBe(1);
    expect(latency({ priority: 'high', le: '60' })).toBe(1);
    // The refused delivery was not delivered: no latency for it.
    expect(sampleValue(samples, 'dispatcher_end_to_end_latency_seconds_count', { priority: 'high' })).toBe(1);
  });

  it("shows a failing subscription's backlog age, its retries by due time and its open breaker, until it is deleted", async () => {
    const failing = await fixture.subscribe(receiver, 'failing', { kind: 'status', status: 503 });
    const tasks = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: failing.id, count: 2 });
    const own = { subscription_id: failing.id };
    await waitFor(async () => {
      const now = await metrics();
      return sampleValue(now, 'dispatcher_breaker_state', own) === 2 &&
        (sampleValue(now, 'dispatcher_retry_queue_depth', { due: 'within_1h' }) ?? 0) >= 2
        ? now
        : undefined;
    });
    // The deliveries were created an hour ago, as far as the backlog can tell.
    await prisma.delivery.updateMany({
      where: { id: { in: tasks.map((t) => t.deliveryId) } },
      data: { createdAt: new Date(Date.now() - HOUR_MS) },
    });
    const samples = await waitFor(async () => {
      const now = await metrics();
      return (sampleValue(now, 'dispatcher_backlog_age_seconds', own) ?? 0) >= 3600 ? now : undefined;
    });
    expect(sampleValue(samples, 'dispatcher_backlog_age_seconds', own)).toBeLessThan(3700);
    expect(sampleValue(samples, 'dispatcher_backlog_oldest_age_seconds')).toBeGreaterThanOrEqual(3600);
    expect(
      sampleValue(samples, 'dispatcher_attempts_total', { status_class: '5xx', status_code: '503' }),
    ).toBe(2);
    expect(sampleValue(samples, 'dispatcher_breakers', { state: 'open' })).toBe(1);
    expect(sampleValue(samples, 'dispatcher_retry_queue_depth', { due: 'now' })).toBe(0);
    expect(sampleValue(samples, 'dispatcher_retry_queue_depth', { due: 'later' })).toBe(0);
    // Everything the healthy subscription had was delivered.
    const healthy = samplesOf(samples, 'dispatcher_backlog_age_seconds').filter(
      (s) => s.labels.subscription_id !== failing.id && s.value === 0,
    );
    expect(healthy.length).toBeGreaterThan(0);

    await prisma.subscription.update({ where: { id: failing.id }, data: { deletedAt: new Date() } });
    const after = await waitFor(async () => {
      const now = await metrics();
      return now.some((s) => s.labels.subscription_id === failing.id) ? undefined : now;
    });
    expect(sampleValue(after, 'dispatcher_breakers', { state: 'open' })).toBe(0);
    expect(sampleValue(after, 'dispatcher_backlog_oldest_age_seconds')).toBeLessThan(3600);
  });

  it('with METRICS_PER_SUBSCRIPTION=false names no subscription and still reports the oldest backlog', async () => {
    const waiting = await createSubscriptionRow(prisma, {
      events: ['order.created'],
      url: receiver.url('never'),
    });
    // Stored, never published: it waits, and nothing sends it.
    await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: waiting.id, count: 1, publish: false });
    const quiet = await new DispatcherFixture('opmetrics-off', prisma, {
      METRICS_PER_SUBSCRIPTION: 'false',
      METRICS_REFRESH_INTERVAL_MS: '200',
    }).start();
    others.push(quiet);
    const samples = await waitFor(async () => {
      const now = await scrapeMetrics(`${quiet.service.url}/metrics`);
      return (sampleValue(now, 'dispatcher_backlog_oldest_age_seconds') ?? 0) > 0 ? now : undefined;
    });
    expect(samples.filter((s) => 'subscription_id' in s.labels)).toEqual([]);
    expect(await scrapeExposition(`${quiet.service.url}/metrics`)).not.toMatch(
      /dispatcher_backlog_age_seconds|dispatcher_breaker_state/,
    );
  });
});
