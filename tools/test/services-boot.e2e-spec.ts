import { DEV_SECRET_ENCRYPTION_KEYS } from '@smart-dairy/config';
import { topicLayout } from '@smart-dairy/kafka';
import { SERVICES, ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import { TEST_PARTITIONS, connectTestKafka, serviceEnv, uniquePrefix } from '@smart-dairy/testing';

describe('the four services on the real broker and database', () => {
  const prefix = uniquePrefix('boot');
  const env = serviceEnv(prefix);
  const running: ServiceProcess[] = [];
  const output: string[] = [];

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop('SIGTERM')));
  });

  async function startAll(): Promise<ServiceProcess[]> {
    const services = await Promise.all(
      SERVICES.map(
        async (name) =>
          new ServiceProcess(name, { port: await freePort(), env, onLine: (l) => output.push(l) }),
      ),
    );
    running.push(...services.map((s) => s.start()));
    await Promise.all(services.map((s) => s.waitUntilReady()));
    return services;
  }

  it('boots every service until /ready is green, with /health and Prometheus /metrics', async () => {
    const services = await startAll();
    for (const service of services) {
      const ready = await fetch(`${service.url}/ready`);
      // The dispatcher adds its own check: its recorder can write.
      const own = service.name === 'dispatcher' ? { recorder: { ok: true } } : {};
      expect(await ready.json()).toEqual({
        ready: true,
        checks: { postgres: { ok: true }, kafka: { ok: true }, ...own },
      });
      const health = await fetch(`${service.url}/health`);
      expect(health.status).toBe(200);
      const metrics = await fetch(`${service.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain(`process_cpu_seconds_total{service="${service.name}"}`);
    }
  }, 120_000);

  it('leaves the whole topic layout in place, and a second start-up is harmless', async () => {
    // Created by the services at start-up, not by this test.
    const kafka = await connectTestKafka(prefix, { createTopics: false });
    try {
      const admin = kafka.kafka.admin();
      await admin.connect();
      const topics = await admin.listTopics();
      await admin.disconnect();
      for (const spec of topicLayout(prefix, TEST_PARTITIONS)) expect(topics).toContain(spec.name);
      // A later start-up finds nothing left to create.
      expect(await kafka.ensureTopics()).toEqual([]);
    } finally {
      await kafka.disconnect();
    }

    // Restart one service against the existing layout: it becomes ready again.
    const first = running[0] as ServiceProcess;
    await first.stop('SIGTERM');
    const again = new ServiceProcess(first.name, { port: await freePort(), env }).start();
    running.push(again);
    await again.waitUntilReady();
  }, 120_000);

  it('refuses to start with an invalid environment and names the variable', async () => {
    const lines: string[] = [];
    const broken = new ServiceProcess('ingestion', {
      port: await freePort(),
      env: { ...env, KAFKA_BROKERS: 'not a broker' },
      onLine: (l) => lines.push(l),
    }).start();
    const code = await broken.waitForExit();
    expect(code).toBe(78);
    expect(lines.join('\n')).toContain('KAFKA_BROKERS');
  });

  it('without NODE_ENV applies production rules: refuses the development key ring published here', async () => {
    const lines: string[] = [];
    const refused = new ServiceProcess('dispatcher', {
      port: await freePort(),
      // Undefined removes what Jest put in this process's environment.
      env: { ...env, NODE_ENV: undefined, SECRET_ENCRYPTION_KEYS: DEV_SECRET_ENCRYPTION_KEYS },
      onLine: (l) => lines.push(l),
    }).start();
    expect(await refused.waitForExit()).toBe(78);
    expect(lines.join('\n')).toContain(
      'SECRET_ENCRYPTION_KEYS: key "dev-only-not-secret" is the development key ring, published in this repository',
    );
  });

  it('with MANAGEMENT_PORT serves /health, /ready and /metrics there, and no longer on the API port', async () => {
    const managementPort = await freePort();
    const service = new ServiceProcess('ingestion', {
      port: await freePort(),
      env: { ...env, MANAGEMENT_PORT: String(managementPort) },
      readyPath: '/v1/events',
    });
    running.push(service.start());
    const management = `http://127.0.0.1:${managementPort}`;
    await waitFor(async () => (await fetch(`${management}/ready`)).status === 200, {
      timeoutMs: 60_000,
      description: 'the management port to answer',
    });
    expect((await fetch(`${management}/health`)).status).toBe(200);
    const metrics = await fetch(`${management}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('process_cpu_seconds_total{service="ingestion"}');
    for (const path of ['/health', '/ready', '/metrics']) {
      expect((await fetch(`${service.url}${path}`)).status).toBe(404);
    }
    // The API itself stays on the service port.
    expect((await fetch(`${service.url}/v1/events`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${management}/v1/events`, { method: 'POST' })).status).toBe(404);
  }, 90_000);
});
