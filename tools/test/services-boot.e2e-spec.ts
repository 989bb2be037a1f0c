import { KafkaClient, topicLayout } from '@smart-dairy/kafka';
import { SERVICES, ServiceProcess, freePort } from '@smart-dairy/stack';
import { randomUUID } from 'node:crypto';
import pino from 'pino';

const partitions = { events: 2, deliveries: 2, internal: 1 };

describe('the four services on the real broker and database', () => {
  const prefix = `boot${randomUUID().slice(0, 8)}.`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_EVENT_PARTITIONS: String(partitions.events),
    KAFKA_DELIVERY_PARTITIONS: String(partitions.deliveries),
    KAFKA_INTERNAL_PARTITIONS: String(partitions.internal),
  };
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
      expect(await ready.json()).toEqual({
        ready: true,
        checks: { postgres: { ok: true }, kafka: { ok: true } },
      });
      const health = await fetch(`${service.url}/health`);
      expect(health.status).toBe(200);
      const metrics = await fetch(`${service.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain(`process_cpu_seconds_total{service="${service.name}"}`);
    }
  }, 120_000);

  it('leaves the whole topic layout in place, and a second start-up is harmless', async () => {
    const kafka = new KafkaClient(
      {
        brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
        clientId: 'boot-e2e',
        topicPrefix: prefix,
        partitions,
        replicationFactor: 1,
      },
      pino({ level: 'silent' }),
    );
    await kafka.connect();
    try {
      expect(await kafka.ensureTopics()).toEqual([]);
      const admin = kafka.kafka.admin();
      await admin.connect();
      const topics = await admin.listTopics();
      await admin.disconnect();
      for (const spec of topicLayout(prefix, partitions)) expect(topics).toContain(spec.name);
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
});
