import type { PrismaService } from '@smart-dairy/db';
import { waitFor } from '@smart-dairy/stack';
import { TestReceiver, connectTestPrisma, enqueueDeliveries } from '@smart-dairy/testing';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(240_000);

describe('dispatcher under failure', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  const fixtures: DispatcherFixture[] = [];

  async function dispatcher(label: string, env: NodeJS.ProcessEnv): Promise<DispatcherFixture> {
    const fixture = await new DispatcherFixture(label, prisma, env).start();
    fixtures.push(fixture);
    return fixture;
  }

  const delivered = (ids: string[]) =>
    prisma.delivery.count({ where: { id: { in: ids }, status: 'delivered' } });

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
  });

  // Each test's dispatcher goes when the test ends, so none keeps working (or hanging) under the next.
  afterEach(async () => {
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  afterAll(async () => {
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  // How fast the healthy endpoints go beside a hung one is a benchmark figure (bench S3), not a test: under
  // the other suites' load a rate ratio says more about the machine than the dispatcher. Checked here is
  // that they never wait for it: all their deliveries land while its requests are still open.
  it('delivers to healthy endpoints while one never answers, which holds only its own slots', async () => {
    const fixture = await dispatcher('iso', { ...FAST_RETRIES, DELIVERY_TIMEOUT_MS: '60000' });
    const paths = Array.from({ length: 10 }, (_, i) => `iso-${i}`);
    const subs = await Promise.all(
      paths.map((p, i) =>
        fixture.subscribe(
          receiver,
          p,
          i === 9 ? { kind: 'hang' } : { kind: 'status', status: 200, delayMs: 5 },
        ),
      ),
    );
    const hung = subs[9]!.id;
    const tasks = (
      await Promise.all(
        subs.map((s) => enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: s.id, count: 300 })),
      )
    ).flat();
    const healthyIds = tasks.filter((t) => t.subscriptionId !== hung).map((t) => t.deliveryId);
    await waitFor(async () => (await delivered(healthyIds)) === healthyIds.length, { timeoutMs: 120_000 });
    // Had the healthy deliveries waited behind the hung requests, those would have timed out first.
    expect(await prisma.deliveryAttempt.count({ where: { delivery: { subscriptionId: hung } } })).toBe(0);
    expect(receiver.hits('iso-9')).toHaveLength(10); // ENDPOINT_CONCURRENCY
  });

  it('opens the breaker for an endpoint failing every request and delivers everything after it recovers', async () => {
    const fixture = await dispatcher('brk', {
      RETRY_SCHEDULE: '200ms',
      RETRY_MAX_ATTEMPTS: '20',
      SCHEDULER_INTERVAL_MS: '100',
      BREAKER_VOLUME_THRESHOLD: '5',
      BREAKER_ERROR_THRESHOLD_PERCENT: '50',
      BREAKER_RESET_TIMEOUT_MS: '2000',
    });
    const sub = await fixture.subscribe(receiver, 'breaker', { kind: 'status', status: 500 });
    const tasks = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 300 });
    await new Promise((r) => setTimeout(r, 6_000));
    const duringOutage = receiver.hits('breaker').length;
    expect(duringOutage).toBeLessThan(100);
    receiver.script('breaker', { kind: 'status', status: 200 });
    const ids = tasks.map((t) => t.deliveryId);
    await waitFor(async () => (await delivered(ids)) === ids.length, { timeoutMs: 120_000, intervalMs: 250 });
    const received = new Set(
      receiver
        .hits('breaker')
        .filter((h) => h.verified)
        .map((h) => h.deliveryId),
    );
    expect(ids.every((id) => received.has(id))).toBe(true);
  });

  it('loses nothing when killed with 5,000 deliveries in flight', async () => {
    const fixture = await dispatcher('kill', { ...FAST_RETRIES, BREAKER_VOLUME_THRESHOLD: '100000' });
    const subs = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        fixture.subscribe(receiver, `kill-${i}`, { kind: 'status', status: 200, delayMs: 20 }),
      ),
    );
    const tasks = (
      await Promise.all(
        subs.map((s) => enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: s.id, count: 1_000 })),
      )
    ).flat();
    const paths = subs.map((_, i) => `kill-${i}`);
    const receivedIds = () => new Set(paths.flatMap((p) => receiver.hits(p)).map((h) => h.deliveryId));
    await waitFor(() => receivedIds().size >= 500, { timeoutMs: 60_000 });
    await fixture.service.stop('SIGKILL');
    await fixture.start();
    const expected = tasks.map((t) => t.deliveryId);
    await waitFor(() => expected.every((id) => receivedIds().has(id)), {
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    const hits = paths.flatMap((p) => receiver.hits(p));
    // Duplicates are allowed after a crash, but only as the same delivery (same X-Webhook-ID).
    expect(hits.every((h) => expected.includes(h.deliveryId))).toBe(true);
    expect(hits.every((h) => h.verified || h.reason === 'replayed')).toBe(true);
  });

  it('refuses every private address class in production mode, including a name resolving to loopback', async () => {
    const fixture = await dispatcher('ssrf', {
      // serviceEnv's generated key ring: production refuses the development one.
      NODE_ENV: 'production',
      ALLOW_PRIVATE_ENDPOINTS: 'false',
      ...FAST_RETRIES,
    });
    const port = new URL(receiver.url('x')).port;
    const urls = [
      `http://127.0.0.1:${port}/plain-http`,
      `https://127.0.0.1:${port}/loopback`,
      `https://localhost:${port}/name-to-loopback`,
      `https://[::1]:${port}/ipv6-loopback`,
      `https://[::ffff:127.0.0.1]:${port}/mapped`,
      'https://10.0.0.1/private',
      'https://169.254.169.254/metadata',
      'https://100.64.0.1/cgnat',
    ];
    const rows = await Promise.all(
      urls.map(async (url, i) => {
        const sub = await fixture.subscribe(receiver, `ssrf-${i}`);
        await prisma.subscription.update({ where: { id: sub.id }, data: { url } });
        const [task] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
        return fixture.settled(task!.deliveryId);
      }),
    );
    for (const [i, row] of rows.entries()) {
      expect({ url: urls[i], status: row.status, errorClass: row.attempts[0]?.errorClass }).toEqual({
        url: urls[i],
        status: 'dead_lettered',
        errorClass: 'ssrf_blocked',
      });
    }
    expect(urls.flatMap((_, i) => receiver.hits(`ssrf-${i}`))).toHaveLength(0);
    expect(fixture.logs.join('\n')).not.toContain('development mode');
  });
});
