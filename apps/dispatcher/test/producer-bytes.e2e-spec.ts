import { ApiKeyScope, type PrismaService } from '@smart-dairy/db';
import { aggregateIdOf } from '@smart-dairy/producer';
import { assignEventId, deliveryIdFor } from '@smart-dairy/schemas';
import { verifySignature } from '@smart-dairy/signing';
import { ServiceProcess, freePort, waitFor, type ServiceName } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestPrisma,
  createApiKeyRow,
  serviceEnv,
  type Behaviour,
} from '@smart-dairy/testing';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(180_000);

const status = (code: number): Behaviour => ({ kind: 'status', status: code });

/**
 * An order.created `data` as a producer may write it, which parsing and serialising again would change:
 * integer-like keys that JavaScript orders "2" before "10", \u escapes beside a raw "è", 1.0 and 2.00, and
 * spaces and line breaks between the members.
 */
const PRODUCER_DATA =
  '{ "order_id": "ORD-2026-0131", "customer_id": "CUST-CAF\\u00c9",\n' +
  '  "items": [ { "product_id": "PROD-CR\\u00c8ME-1L", "quantity": 2, "unit_price": 1.0, "total": 2.00 } ],\n' +
  '  "subtotal": 2.00, "tax": 0.0, "total": 2.0, "currency": "EUR", "status": "pending",\n' +
  '  "created_at": "2026-01-31T10:30:00Z", "note": "caf\\u00e9 crème", "by_size": {"10": 1.0, "2": 1} }';
/** Written in Z with whole seconds: the envelope must not turn it into "...10:30:00.000Z". */
const PRODUCER_TIMESTAMP = '2026-01-31T10:30:00Z';

/**
 * Issue #17's acceptance, with real processes: an event whose bytes the test wrote goes through ingestion
 * and the dispatcher, fails twice into the DLQ, is replayed through dlq-review and then retried by hand
 * through the subscriptions API. Every one of the four bodies the receiver gets is the producer's `data`
 * and `timestamp` text inside the documented envelope, differing in `attempt` alone.
 */
describe("dispatcher: every attempt of a delivery carries the producer's bytes", () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let dispatcher: DispatcherFixture;
  const services: ServiceProcess[] = [];
  const subscriptions: string[] = [];

  /** A service from dist/ on the dispatcher's topics. */
  async function start(name: ServiceName): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, {
      port: await freePort(),
      env: serviceEnv(dispatcher.prefix),
    }).start();
    services.push(service);
    await service.waitUntilReady();
    return service;
  }

  async function post(url: string, key: string): Promise<number> {
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    await response.body?.cancel();
    return response.status;
  }

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    // Two attempts, both failing, dead-letter the delivery; with the FAST_RETRIES gap between them.
    dispatcher = new DispatcherFixture('bytes', prisma, { ...FAST_RETRIES, RETRY_MAX_ATTEMPTS: '2' });
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await dispatcher?.stop();
    // The database is shared: leave nothing another suite's ingestion could match (it makes waiting
    // deliveries for a disabled subscription).
    await prisma?.subscription.updateMany({
      where: { id: { in: subscriptions } },
      data: { deletedAt: new Date() },
    });
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  it('sends attempts 1 and 2, a DLQ replay and a manual retry with the same data and timestamp text', async () => {
    // Created before ingestion starts, so its first load of the subscriptions has it.
    const sub = await dispatcher.subscribe(receiver, 'partner', status(500), status(500), status(200));
    subscriptions.push(sub.id);
    const adminKey = await createApiKeyRow(prisma, ApiKeyScope.admin, 'producer-bytes-admin');
    await dispatcher.start();
    const [, dlqReview, subscriptionsApi] = await Promise.all([
      start('ingestion'),
      start('dlq-review'),
      start('subscriptions'),
    ]);

    // Raw bytes onto events.order, keyed as the producer library keys an order event.
    const eventId = assignEventId();
    const value =
      `{"id": "${eventId}",  "event": "order.created",\n` +
      ` "timestamp": "${PRODUCER_TIMESTAMP}", "data": ${PRODUCER_DATA}}`;
    const key = aggregateIdOf('order.created', JSON.parse(PRODUCER_DATA) as Record<string, unknown>);
    await dispatcher.kafka.producer.send({
      topic: dispatcher.kafka.topic('events.order'),
      messages: [{ key, value }],
    });
    const deliveryId = deliveryIdFor({ type: 'order.created', id: eventId }, sub.id);
    /** The receiver has this many requests and the last one's 200 is recorded, its request cleared. */
    const answered = async (attempts: number) => {
      const row = await prisma.delivery.findUnique({ where: { id: deliveryId } });
      return (
        receiver.hits('partner').length === attempts &&
        row?.status === 'delivered' &&
        row.replayRequestedAt === null
      );
    };

    const entry = await waitFor(() => prisma.deadLetterEntry.findUnique({ where: { deliveryId } }), {
      description: 'the dead letter entry after two failed attempts',
    });
    expect(receiver.hits('partner')).toHaveLength(2);

    expect(await post(`${dlqReview.url}/v1/dlq/${entry.id}/replay`, adminKey)).toBe(202);
    await waitFor(() => answered(3), { description: 'the DLQ replay answered' });

    expect(await post(`${subscriptionsApi.url}/v1/deliveries/${deliveryId}/retry`, adminKey)).toBe(202);
    await waitFor(() => answered(4), { description: 'the manual retry answered' });

    const hits = receiver.hits('partner');
    // The body as the receiver read it off the socket; UTF-8 decoding of valid bytes is one-to-one.
    const bodies = hits.map((hit) => hit.body.toString('utf8'));
    const expected = (attempt: number) =>
      `{"id":"${deliveryId}","event":"order.created","timestamp":"${PRODUCER_TIMESTAMP}",` +
      `"webhook_id":"${sub.id}","attempt":${attempt},"data":${PRODUCER_DATA}}`;
    expect(bodies).toEqual([1, 2, 3, 4].map(expected));
    expect(new Set(bodies.map((body) => body.replace(/"attempt":\d+/, '"attempt":0'))).size).toBe(1);
    expect(
      hits.map((hit) =>
        verifySignature({
          secrets: [sub.secret],
          timestamp: Number(hit.headers['x-webhook-timestamp']),
          body: hit.body,
          signature: String(hit.headers['x-webhook-signature']),
        }),
      ),
    ).toEqual([true, true, true, true]);
  });
});
