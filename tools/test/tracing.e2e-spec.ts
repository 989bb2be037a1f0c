import { ApiKeyScope, DeliveryStatus, type PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { EventPublisher } from '@smart-dairy/producer';
import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { ServiceProcess, freePort, waitFor, type ServiceName } from '@smart-dairy/stack';
import {
  OtlpReceiver,
  TestReceiver,
  connectTestKafka,
  connectTestPrisma,
  createApiKeyRow,
  createSubscriptionRow,
  serviceEnv,
  startInMemoryTracing,
  uniquePrefix,
  type ReceivedSpan,
} from '@smart-dairy/testing';
import { SpanKind, stopTracing } from '@smart-dairy/tracing';
import { randomBytes } from 'node:crypto';

jest.setTimeout(180_000);

const KIND = { producer: 4, client: 3, consumer: 5 } as const;
const ERROR = 2;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * One event's trace across the real services, exported over OTLP/HTTP (JSON) to a receiver in this
 * process: the producer's publish, ingestion, one task per subscription, and every attempt, the retry the
 * scheduler sends later included; then a manual retry and a DLQ replay, which start traces of their own
 * linked to the one their delivery was sent in.
 */
describe('tracing across the services', () => {
  const prefix = uniquePrefix('trace');
  const otlp = new OtlpReceiver();
  const services: ServiceProcess[] = [];
  let receiver: TestReceiver;
  let prisma: PrismaService;
  let kafka: KafkaClient;
  let urls: Record<'ingestion' | 'subscriptions' | 'dlqReview', string>;
  let producerKey: string;
  let adminKey: string;
  const subscriptions = { steady: '', flaky: '', gone: '' };

  async function start(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<string> {
    const service = new ServiceProcess(name, {
      port: await freePort(),
      env: serviceEnv(prefix, {
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...env,
      }),
    }).start();
    services.push(service);
    await service.waitUntilReady();
    return service.url;
  }

  beforeAll(async () => {
    await otlp.start();
    receiver = await new TestReceiver().start();
    prisma = await connectTestPrisma();
    kafka = await connectTestKafka(prefix);
    producerKey = await createApiKeyRow(prisma, ApiKeyScope.producer, 'trace-producer');
    adminKey = await createApiKeyRow(prisma, ApiKeyScope.admin, 'trace-admin');
    // Before ingestion starts, which loads the subscriptions then. Orders go to two endpoints, one failing
    // once; payments to one that answers 404 (dead-lettered at once) until it is fixed.
    for (const [name, events, script] of [
      ['steady', ['order.*'], [{ kind: 'status', status: 200 }]],
      [
        'flaky',
        ['order.*'],
        [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 200 },
        ],
      ],
      ['gone', ['payment.*'], [{ kind: 'status', status: 404 }]],
    ] as const) {
      const sub = await createSubscriptionRow(prisma, { events: [...events], url: receiver.url(name) });
      receiver.endpoint(name, sub.secret, ...script);
      subscriptions[name] = sub.id;
    }
    const [ingestion, subscriptionsUrl, dlqReview] = await Promise.all([
      start('ingestion'),
      start('subscriptions'),
      start('dlq-review'),
      start('dispatcher', { RETRY_SCHEDULE: '300ms', SCHEDULER_INTERVAL_MS: '100' }),
    ]);
    urls = { ingestion, subscriptions: subscriptionsUrl, dlqReview };
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
    await stopTracing();
    await receiver?.stop();
    await otlp.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  const inTrace = (traceId: string) => otlp.spans.filter((s) => s.traceId === traceId);
  const named = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);
  const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
    spans.filter((s) => s.parentSpanId === parent.spanId);
  const byAttempt = (a: ReceivedSpan, b: ReceivedSpan) =>
    Number(a.attributes['webhook.attempt']) - Number(b.attributes['webhook.attempt']);

  /** The spans of the trace once it holds the publish, ingestion, two tasks and `attempts` POSTs. */
  async function completeTrace(traceId: string, attempts: number, publishes = 1): Promise<ReceivedSpan[]> {
    return waitFor(
      () => {
        const spans = inTrace(traceId);
        const complete =
          named(spans, 'publish events.order').length === publishes &&
          named(spans, 'process events.order').length === 1 &&
          named(spans, 'publish deliveries.high').length === 2 &&
          named(spans, 'POST').length === attempts;
        return complete && spans;
      },
      { timeoutMs: 60_000, description: `trace ${traceId} with ${attempts} attempts` },
    );
  }

  /** POST /v1/events as a producer whose own span is `spanId` in `traceId`; returns the event id. */
  async function postEvent(type: 'order.created' | 'payment.completed', traceId: string, spanId: string) {
    const response = await fetch(`${urls.ingestion}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${producerKey}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${spanId}-01`,
      },
      body: JSON.stringify({
        event: type,
        timestamp: new Date().toISOString(),
        data: EVENT_CATALOG[type].sample,
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  /** A span of a new trace that resends a delivery (`reason`), and the attempt made under it. */
  async function resent(reason: 'manual_retry' | 'dlq_replay' | 'recover', deliveryId: string) {
    return waitFor(
      () => {
        const task = otlp.spans.find(
          (s) =>
            s.attributes['webhook.delivery.resend'] === reason &&
            s.attributes['webhook.delivery.id'] === deliveryId,
        );
        const post = task && otlp.spans.find((s) => s.parentSpanId === task.spanId);
        return post && ([task, post] as const);
      },
      { timeoutMs: 30_000, description: `the ${reason} of ${deliveryId} and its attempt` },
    );
  }

  /** A payment event posted in trace `traceId`, once `gone` has dead-lettered its delivery, and its task span. */
  async function deadLetteredPayment(traceId: string) {
    const paymentEventId = await postEvent('payment.completed', traceId, hex(8));
    const dead = await waitFor(
      () =>
        prisma.delivery.findFirst({
          where: { eventId: paymentEventId, status: DeliveryStatus.dead_lettered },
        }),
      { description: 'the dead-lettered delivery' },
    );
    await waitFor(() => prisma.deadLetterEntry.findUnique({ where: { deliveryId: dead.id } }), {
      description: 'its dead letter entry',
    });
    const original = await waitFor(() => inTrace(traceId).find((s) => s.name === 'publish deliveries.high'), {
      description: 'the original task span',
    });
    return { dead, original };
  }

  let eventId: string;
  let firstTrace: ReceivedSpan[];

  it('follows an event from POST /v1/events to every attempt, the scheduled retry included', async () => {
    // The producer's own trace, which the platform continues.
    const traceId = hex(16);
    const producerSpanId = hex(8);
    eventId = await postEvent('order.created', traceId, producerSpanId);

    const spans = await completeTrace(traceId, 3);
    firstTrace = spans;
    const [publish] = named(spans, 'publish events.order');
    expect(publish).toMatchObject({
      service: 'ingestion',
      parentSpanId: producerSpanId,
      kind: KIND.producer,
      attributes: { 'webhook.event.id': eventId, 'webhook.event.type': 'order.created' },
    });
    const [ingest] = childrenOf(spans, publish!);
    expect(ingest).toMatchObject({
      name: 'process events.order',
      service: 'ingestion',
      kind: KIND.consumer,
      attributes: { 'webhook.event.id': eventId, 'webhook.event.deliveries': 2 },
    });
    const tasks = childrenOf(spans, ingest!);
    expect(tasks.map((t) => t.attributes['webhook.subscription.id']).sort()).toEqual(
      [subscriptions.steady, subscriptions.flaky].sort(),
    );
    for (const task of tasks) {
      expect(task).toMatchObject({
        name: 'publish deliveries.high',
        service: 'ingestion',
        kind: KIND.producer,
      });
      expect(task.attributes).toMatchObject({ 'webhook.event.id': eventId });
      const attempts = childrenOf(spans, task).sort(byAttempt);
      const deliveryId = task.attributes['webhook.delivery.id'];
      const ids = {
        'webhook.delivery.id': deliveryId,
        'webhook.subscription.id': task.attributes['webhook.subscription.id'],
        'webhook.event.id': eventId,
      };
      const expected =
        task.attributes['webhook.subscription.id'] === subscriptions.flaky
          ? [
              {
                statusCode: ERROR,
                attributes: {
                  ...ids,
                  'webhook.attempt': 1,
                  'http.response.status_code': 500,
                  'webhook.delivery.next': 'retrying',
                },
              },
              {
                attributes: {
                  ...ids,
                  'webhook.attempt': 2,
                  'http.response.status_code': 200,
                  'webhook.delivery.next': 'delivered',
                },
              },
            ]
          : [
              {
                attributes: {
                  ...ids,
                  'webhook.attempt': 1,
                  'http.response.status_code': 200,
                  'webhook.delivery.next': 'delivered',
                },
              },
            ];
      expect(attempts).toMatchObject(
        expected.map((e) => ({ name: 'POST', service: 'dispatcher', kind: KIND.client, ...e })),
      );
    }
    // Nothing else in the trace: every span hangs off the chain above.
    expect(spans).toHaveLength(1 + 1 + 2 + 3);
    const stored = await prisma.delivery.findMany({
      where: { eventId },
      select: { id: true, traceContext: true },
    });
    for (const delivery of stored) {
      const task = tasks.find((t) => t.attributes['webhook.delivery.id'] === delivery.id);
      expect(delivery.traceContext).toEqual({ traceparent: `00-${traceId}-${task?.spanId}-01` });
    }
  });

  it('starts a new trace for a manual retry, linked to the one the delivery was sent in', async () => {
    const steadyTask = named(firstTrace, 'publish deliveries.high').find(
      (t) => t.attributes['webhook.subscription.id'] === subscriptions.steady,
    );
    const deliveryId = String(steadyTask?.attributes['webhook.delivery.id']);
    const response = await fetch(`${urls.subscriptions}/v1/deliveries/${deliveryId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(response.status).toBe(202);

    const [resend, attempt] = await resent('manual_retry', deliveryId);
    expect(resend).toMatchObject({
      service: 'subscriptions',
      name: 'publish deliveries.high',
      links: [{ traceId: steadyTask?.traceId, spanId: steadyTask?.spanId }],
      attributes: { 'webhook.delivery.id': deliveryId },
    });
    expect(resend.parentSpanId).toBeUndefined();
    expect(resend.traceId).not.toBe(steadyTask?.traceId);
    expect(attempt).toMatchObject({
      name: 'POST',
      traceId: resend.traceId,
      attributes: {
        'webhook.delivery.id': deliveryId,
        'webhook.attempt': 2,
        'http.response.status_code': 200,
      },
    });
    const row = await prisma.delivery.findUnique({ where: { id: deliveryId } });
    expect(row?.traceContext).toEqual({ traceparent: `00-${resend.traceId}-${resend.spanId}-01` });
  });

  it('starts a new trace for a DLQ replay, linked to the trace the delivery was dead-lettered in', async () => {
    const traceId = hex(16);
    const { dead, original } = await deadLetteredPayment(traceId);
    receiver.script('gone', { kind: 'status', status: 200 });

    const response = await fetch(`${urls.dlqReview}/v1/dlq/dlq_${dead.id.slice('wh_'.length)}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(response.status).toBe(202);
    const [replay, attempt] = await resent('dlq_replay', dead.id);
    expect(replay).toMatchObject({
      service: 'dlq-review',
      name: 'publish deliveries.high',
      links: [{ traceId, spanId: original.spanId }],
      attributes: { 'webhook.subscription.id': subscriptions.gone },
    });
    expect(replay.parentSpanId).toBeUndefined();
    expect(replay.traceId).not.toBe(traceId);
    expect(attempt).toMatchObject({
      traceId: replay.traceId,
      attributes: {
        'webhook.attempt': 2,
        'http.response.status_code': 200,
        'webhook.delivery.next': 'delivered',
      },
    });
    const row = await prisma.delivery.findUnique({ where: { id: dead.id } });
    expect(row?.traceContext).toEqual({ traceparent: `00-${replay.traceId}-${replay.spanId}-01` });
  });

  it("starts a new trace for each delivery a subscription's recover sends again", async () => {
    receiver.script('gone', { kind: 'status', status: 404 });
    const since = new Date(Date.now() - 1_000).toISOString();
    const traceId = hex(16);
    const { dead, original } = await deadLetteredPayment(traceId);
    receiver.script('gone', { kind: 'status', status: 200 });

    const response = await fetch(`${urls.subscriptions}/v1/subscriptions/${subscriptions.gone}/recover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ since }),
    });
    expect(response.status).toBe(202);
    const [resend, attempt] = await resent('recover', dead.id);
    expect(resend).toMatchObject({
      service: 'subscriptions',
      name: 'publish deliveries.high',
      links: [{ traceId, spanId: original.spanId }],
      attributes: { 'webhook.subscription.id': subscriptions.gone },
    });
    expect(resend.parentSpanId).toBeUndefined();
    expect(resend.traceId).not.toBe(traceId);
    expect(attempt).toMatchObject({
      traceId: resend.traceId,
      attributes: { 'http.response.status_code': 200, 'webhook.delivery.next': 'delivered' },
    });
    const row = await prisma.delivery.findUnique({ where: { id: dead.id } });
    expect(row?.traceContext).toEqual({ traceparent: `00-${resend.traceId}-${resend.spanId}-01` });
  });

  it('continues the trace of an event published with the producer library in a traced process', async () => {
    // This process is the producer.
    const exporter = await startInMemoryTracing('orders-service');
    const publisher = EventPublisher.fromKafka(kafka);
    const { id } = await publisher.publish('order.created', EVENT_CATALOG['order.created'].sample);
    await publisher.close();

    const [publish] = exporter.getFinishedSpans();
    expect(publish).toMatchObject({
      name: 'publish events.order',
      kind: SpanKind.PRODUCER,
      attributes: { 'webhook.event.id': id },
    });
    const { traceId, spanId } = publish!.spanContext();
    const spans = await completeTrace(traceId, 2, 0);
    const [ingest] = named(spans, 'process events.order');
    expect(ingest).toMatchObject({ service: 'ingestion', parentSpanId: spanId });
    expect(childrenOf(spans, ingest!)).toHaveLength(2);
  });
});
