import type { PrismaService } from '@smart-dairy/db';
import { CATEGORY_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { EVENT_CATALOG, deliveryIdFor } from '@smart-dairy/schemas';
import { ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import {
  TcpFaultProxy,
  TestReceiver,
  connectTestKafka,
  connectTestPrisma,
  createSubscriptionRow,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';

jest.setTimeout(240_000);

/** After Postgres answers again, an event published then must be delivered within this. */
const RECOVERY_BUDGET_MS = 5_000;
/** Long enough that kafkajs's own back-off after failed batches (before the fix) outlasts the budget. */
const OUTAGE_MS = 12_000;

/**
 * Ingestion and the dispatcher with their Postgres behind a proxy that fails on command, at the moments
 * that used to crash or stall them: while ingestion stores a batch, while the dispatcher looks a batch
 * up and records attempts, and while a consumer's handler awaits a query that never answers.
 */
describe('the pipeline when Postgres fails under it', () => {
  const prefix = uniquePrefix('pgf');
  const proxy = new TcpFaultProxy({ host: '127.0.0.1', port: 5432 });
  const exits: string[] = [];
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let subscriptionId: string;
  let services: ServiceProcess[] = [];
  let sequence = 0;

  async function publish(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `evt-${prefix}${(sequence += 1)}`);
    await kafka.producer.send({
      topic: kafka.topic(CATEGORY_TOPICS.order),
      messages: ids.map((id) => ({
        key: id,
        value: JSON.stringify({
          id,
          event: 'order.created',
          timestamp: new Date().toISOString(),
          data: EVENT_CATALOG['order.created'].sample,
        }),
      })),
    });
    return ids.map((id) => deliveryIdFor({ type: 'order.created', id }, subscriptionId));
  }

  const received = (deliveryIds: readonly string[]) => {
    const got = new Set(receiver.hits('pg').map((h) => h.deliveryId));
    return deliveryIds.filter((id) => got.has(id));
  };

  /** Publishes a batch every 100 ms until `stop` is called; resolves with every delivery id it owes. */
  function steadyLoad(): { stop: () => Promise<string[]> } {
    const owed: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        owed.push(...(await publish(5)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return owed;
      },
    };
  }

  async function health(service: ServiceProcess): Promise<{ status: number; body: string }> {
    const res = await fetch(`${service.url}/health`);
    return { status: res.status, body: await res.text() };
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    const sub = await createSubscriptionRow(prisma, { events: ['order.created'], url: receiver.url('pg') });
    subscriptionId = sub.id;
    receiver.endpoint('pg', sub.secret);
    const port = await proxy.start();
    const env = serviceEnv(prefix, {
      DATABASE_URL: proxy.proxied(process.env.DATABASE_URL as string, port),
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_QUERY_TIMEOUT_MS: '3000',
      CONSUMER_STALL_TIMEOUT_MS: '4000',
      SCHEDULER_INTERVAL_MS: '200',
      SUBSCRIPTION_REFRESH_INTERVAL_MS: '600000',
    });
    services = await Promise.all(
      (['ingestion', 'dispatcher'] as const).map(
        async (name) => new ServiceProcess(name, { port: await freePort(), env }),
      ),
    );
    for (const service of services) {
      service.start();
      void service.waitForExit().then((code) => exits.push(`${service.name} exited with ${code}`));
    }
    await Promise.all(services.map((s) => s.waitUntilReady()));
    // Warm: the first deliveries arrive before any fault.
    const first = await publish(5);
    await waitFor(() => received(first).length === first.length, { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    proxy.restore();
    await Promise.all(services.map((s) => s.stop()));
    await proxy.stop();
    await receiver?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  afterEach(() => {
    proxy.restore();
    expect(exits).toEqual([]);
  });

  it.each([
    ['refuses every connection (a restart)', () => proxy.refuse()],
    ['answers nothing at all (a paused server)', () => proxy.hang()],
  ])('delivers within 5 s of Postgres coming back after it %s for 12 s under load', async (_, fail) => {
    const load = steadyLoad();
    await new Promise((r) => setTimeout(r, 1_000));
    fail();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    proxy.restore();
    const back = Date.now();
    const after = await publish(1);
    await waitFor(() => received(after).length === 1, {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: 'the first event published after the outage',
    });
    const recoveryMs = Date.now() - back;
    const owed = await load.stop();
    // Nothing published before, during or after the outage is lost.
    await waitFor(() => received(owed).length === owed.length, {
      timeoutMs: 120_000,
      description: `all ${owed.length} deliveries of the load`,
    });
    expect(recoveryMs).toBeLessThan(RECOVERY_BUDGET_MS);
  });

  it('fails /health naming the stalled consumer while Postgres hangs with input waiting, and passes again', async () => {
    const ingestion = services[0] as ServiceProcess;
    // The outages above stalled it too: healthy again once its watch has seen the commits move on.
    await waitFor(async () => (await health(ingestion)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'ingestion /health healthy before the hang',
    });
    proxy.hang();
    const waiting = await publish(5);
    const stalled = await waitFor(
      async () => {
        const answer = await health(ingestion);
        return answer.status === 503 && answer;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'ingestion /health to fail' },
    );
    expect(JSON.parse(stalled.body)).toEqual({
      status: 'stuck',
      checks: {
        'kafka-consumers': { ok: false, reason: 'stalled' },
      },
    });
    const metrics = await (await fetch(`${ingestion.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `kafka_consumer_stalled_partitions\\{group="${prefix.replace('.', '\\.')}ingestion"[^}]*\\} [1-9]`,
      ),
    );
    proxy.restore();
    await waitFor(async () => (await health(ingestion)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'ingestion /health to pass again',
    });
    await waitFor(() => received(waiting).length === waiting.length, { timeoutMs: 30_000 });
  });
});
