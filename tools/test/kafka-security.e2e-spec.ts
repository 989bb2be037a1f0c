import type { PrismaService } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { EventPublisher } from '@smart-dairy/producer';
import { EVENT_CATALOG } from '@smart-dairy/schemas';
import {
  PLATFORM_PRINCIPALS,
  SERVICES,
  SecureKafkaBroker,
  ServiceProcess,
  freePort,
  waitFor,
} from '@smart-dairy/stack';
import {
  TEST_PARTITIONS,
  TestReceiver,
  connectTestPrisma,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

/**
 * The platform on a broker of its own whose only client listener is SASL_SSL (SCRAM-SHA-512, mutual TLS
 * required) with the standard authorizer: each service runs as its own principal with exactly the ACLs
 * docs/deploy.md lists, and a producer principal may write business categories only.
 */
describe('Kafka over TLS with SASL/SCRAM and ACLs', () => {
  const prefix = uniquePrefix('sasl');
  const adminKey = `sdk_test_${randomBytes(24).toString('base64url')}`;
  const receiver = new TestReceiver();
  const services: ServiceProcess[] = [];
  const logs: string[] = [];
  let broker: SecureKafkaBroker;
  let prisma: PrismaService;
  let producer: KafkaClient;
  let publisher: EventPublisher;

  const client = (user: string) =>
    new KafkaClient(
      {
        brokers: broker.brokers,
        clientId: `test-${user}`,
        topicPrefix: prefix,
        partitions: TEST_PARTITIONS,
        replicationFactor: 1,
        security: broker.security(user),
      },
      pino({ level: 'silent' }),
    );

  beforeAll(async () => {
    broker = await SecureKafkaBroker.create({
      dataDir: mkdtempSync(join(tmpdir(), 'kafka-sasl-')),
      users: PLATFORM_PRINCIPALS,
      mutualTls: true,
    });
    const startedAt = Date.now();
    await broker.start();
    const brokerMs = Date.now() - startedAt;
    await broker.grantPlatformAcls(prefix);

    prisma = await connectTestPrisma();
    await receiver.start();
    await Promise.all(
      SERVICES.map(async (name) => {
        const service = new ServiceProcess(name, {
          port: await freePort(),
          env: serviceEnv(prefix, {
            ...broker.env(name),
            ADMIN_API_KEY: adminKey,
            // Only the announcement on subscriptions.changes can bring a new subscription to ingestion in time.
            SUBSCRIPTION_REFRESH_INTERVAL_MS: '600000',
          }),
          onLine: (line) => logs.push(`${name}: ${line}`),
        });
        services.push(service.start());
        await service.waitUntilReady(90_000);
      }),
    );
    console.log(
      `secured broker up in ${brokerMs} ms, the four services ready ${Date.now() - startedAt - brokerMs} ms later`,
    );
    producer = client('producer');
    await producer.connect();
    publisher = EventPublisher.fromKafka(producer);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
    await producer?.disconnect();
    await receiver.stop();
    await prisma?.$disconnect();
    await broker?.remove();
  }, 90_000);

  const service = (name: string) => services.find((s) => s.name === name) as ServiceProcess;

  async function subscribe(path: string, events: string[], status: number): Promise<void> {
    const res = await fetch(`${service('subscriptions').url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url(path), events }),
    });
    expect(res.status).toBe(201);
    const { secret } = (await res.json()) as { secret: string };
    receiver.endpoint(path, secret, { kind: 'status', status });
  }

  const verifiedHits = (path: string, type: string) =>
    receiver.hits(path).filter((hit) => hit.verified && hit.eventType === type);

  it('runs the pipeline end to end: published, ingested, signed, delivered, dead-lettered, announced', async () => {
    await subscribe('ok', ['order.*', 'system.*'], 200);
    await subscribe('gone', ['payment.*'], 400);

    // Until ingestion has applied the announcement, an event matches nothing: publish until one arrives.
    await waitFor(
      async () => {
        await publisher.publish('order.created', EVENT_CATALOG['order.created'].sample);
        return verifiedHits('ok', 'order.created').length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 1_000, description: 'a signed order.created delivery' },
    );

    // 400 dead-letters at once; dlq-review stores it and tells operators on events.system.
    await publisher.publish('payment.completed', EVENT_CATALOG['payment.completed'].sample);
    await waitFor(() => verifiedHits('ok', 'system.dead_lettered').length > 0, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'system.dead_lettered at the operators endpoint',
    });
    expect(receiver.hits('gone').map((hit) => hit.verified)).toEqual([true]);
    expect(logs.filter((line) => /authoriz/i.test(line))).toEqual([]);
  }, 90_000);

  it.each<[string, (config: KafkaConfig) => KafkaConfig, RegExp | null]>([
    ['with every credential gets in', (config) => config, null],
    ['without SASL credentials is refused', ({ sasl: _, ...config }) => config, /closed|connection/i],
    [
      'with a wrong password is refused',
      (config) => ({
        ...config,
        sasl: { mechanism: 'scram-sha-512', username: 'producer', password: 'wrong' },
      }),
      /SASL.*authentication failed/i,
    ],
    [
      'without a client certificate is refused',
      (config) => ({ ...config, ssl: { ca: [broker.security('producer').tls?.ca as string] } }),
      /closed|connection|socket|certificate|handshake/i,
    ],
  ])(
    'a client %s',
    async (_, alter, refusal) => {
      const { tls, sasl } = broker.security('producer');
      const admin = new Kafka(
        alter({
          clientId: 'refused',
          brokers: broker.brokers,
          ssl: { ca: [tls?.ca as string], cert: tls?.cert, key: tls?.key },
          sasl: { mechanism: 'scram-sha-512', username: 'producer', password: sasl?.password as string },
          retry: { retries: 0 },
          connectionTimeout: 5_000,
          logLevel: logLevel.NOTHING,
        }),
      ).admin();
      const listed = admin.connect().then(() => admin.listTopics());
      try {
        if (refusal) await expect(listed).rejects.toThrow(refusal);
        // The producer principal sees the topics it may write, and no other.
        else expect((await listed).sort()).toEqual(expect.arrayContaining([`${prefix}events.order`]));
      } finally {
        await admin.disconnect();
      }
    },
    30_000,
  );

  it.each(['deliveries.high', 'events.system'])(
    'refuses the producer principal writing %s',
    async (topic) => {
      const raw = producer.kafka.producer({ retry: { retries: 0 } });
      await raw.connect();
      try {
        await expect(raw.send({ topic: prefix + topic, messages: [{ value: '{}' }] })).rejects.toThrow(
          /not authorized/i,
        );
        // The same principal and connection may write its own category.
        await expect(
          raw.send({ topic: `${prefix}events.order`, messages: [{ value: '{}' }] }),
        ).resolves.toEqual(expect.any(Array));
      } finally {
        await raw.disconnect();
      }
    },
    30_000,
  );

  it('stops a service at start, naming the variable, when a Kafka file is missing', async () => {
    const lines: string[] = [];
    const broken = new ServiceProcess('ingestion', {
      port: await freePort(),
      env: serviceEnv(prefix, {
        ...broker.env('ingestion'),
        KAFKA_TLS_CA_FILE: join(tmpdir(), 'no-such-ca.pem'),
      }),
      onLine: (line) => lines.push(line),
    }).start();
    expect(await broken.waitForExit()).toBe(78);
    expect(lines.join('\n')).toContain('KAFKA_TLS_CA_FILE: cannot read');
  }, 30_000);
});
