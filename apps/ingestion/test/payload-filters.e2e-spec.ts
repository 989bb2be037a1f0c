import type { PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import { EVENT_CATALOG, type EventType } from '@smart-dairy/schemas';
import { ServiceProcess, freePort, waitFor, type ServiceName } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestKafka,
  connectTestPrisma,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';

jest.setTimeout(180_000);

interface FilterTest {
  matches: boolean;
  failed: { clause: string; message: string }[];
}

/**
 * Payload filters end to end: subscriptions created through the API with filters, events published to
 * Kafka, ingestion fanning out with the compiled filters and the dispatcher POSTing to a real receiver.
 * An event a filter refuses gets no delivery row at all, and the filter test answers what ingestion does.
 */
describe('payload filters from the API to the receiver', () => {
  const prefix = uniquePrefix('filters');
  const adminKey = `sdk_${randomBytes(32).toString('base64url')}`;
  const services: ServiceProcess[] = [];
  let prisma: PrismaService;
  let kafka: KafkaClient;
  let receiver: TestReceiver;
  let api: string;
  const subscriptionIds: Record<string, string> = {};

  async function start(name: ServiceName): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, {
      port: await freePort(),
      // Only announcements on subscriptions.changes can bring a changed filter to ingestion in time.
      env: serviceEnv(prefix, { ADMIN_API_KEY: adminKey, SUBSCRIPTION_REFRESH_INTERVAL_MS: '600000' }),
    }).start();
    services.push(service);
    await service.waitUntilReady();
    return service;
  }

  async function call(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function subscribe(name: string, filter?: unknown): Promise<void> {
    const created = await call('POST', '/v1/subscriptions', {
      url: receiver.url(name),
      events: ['order.*'],
      ...(filter === undefined ? {} : { filter }),
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    receiver.endpoint(name, secret);
    subscriptionIds[name] = id;
  }

  const orderIds = new Map<string, string>();
  /** A valid event of the type: its catalog sample with these fields set, and an order id of its own. */
  function eventOf(label: string, type: EventType, fields: Record<string, unknown> = {}) {
    const orderId = `ORD-${prefix}${label}`;
    orderIds.set(orderId, label);
    return {
      id: `evt-${prefix}${label}`,
      event: type,
      data: { ...EVENT_CATALOG[type].sample, ...fields, order_id: orderId },
    };
  }

  /** All on one partition, so that ingestion handles them in this order. */
  async function publish(...events: ReturnType<typeof eventOf>[]): Promise<void> {
    await kafka.producer.send({
      topic: kafka.topic('events.order'),
      messages: events.map((e) => ({
        key: 'payload-filters',
        value: JSON.stringify({ ...e, timestamp: '2026-03-02T07:15:00Z' }),
      })),
    });
  }

  /** The subscriptions (by name) that got a delivery row for an event. */
  async function deliveredTo(eventId: string): Promise<string[]> {
    const rows = await prisma.delivery.findMany({ where: { eventId }, select: { subscriptionId: true } });
    const names = Object.entries(subscriptionIds);
    return rows.map((r) => names.find(([, id]) => id === r.subscriptionId)?.[0] ?? r.subscriptionId).sort();
  }

  /** The labels of the events an endpoint received, verified. */
  function receivedBy(name: string): string[] {
    const labels = receiver
      .hits(name)
      .filter((hit) => hit.verified)
      .map((hit) => orderIds.get((hit.envelope as { data: { order_id: string } }).data.order_id) ?? '?');
    return [...new Set(labels)].sort();
  }

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    kafka = await connectTestKafka(prefix);
    receiver = await new TestReceiver().start();
    const [subscriptions] = await Promise.all([start('subscriptions'), start('dispatcher')]);
    api = subscriptions.url;
    await subscribe('large', { 'data.total': { $gte: 100 } });
    await subscribe('nested', {
      'data.shipping.address.country': { $in: ['DE', 'AT'] },
      'data.items.0.product_id': { $prefix: 'PROD-MILK' },
    });
    await subscribe('either', {
      $or: [{ 'data.currency': 'EUR' }, { 'data.customer_id': { $suffix: '-VIP' } }],
      $not: { event: 'order.cancelled' },
    });
    await subscribe('everything');
    // Started last, so that its first full load has them all; later changes come as announcements.
    await start('ingestion');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  const germany = { shipping: { address: { country: 'DE', city: 'Berlin' } } };
  const milk = { product_id: 'PROD-MILK-WHOLE-1L', quantity: 1, unit_price: 1, total: 1 };
  const cheese = { product_id: 'PROD-CHEESE-400G', quantity: 1, unit_price: 5, total: 5 };
  const events = {
    largeMilkToGermany: eventOf('large-de', 'order.created', { total: 150, items: [milk], ...germany }),
    smallInEuros: eventOf('small-eur', 'order.created', { total: 20, currency: 'EUR', items: [milk] }),
    vipCheeseToAustria: eventOf('vip-at', 'order.created', {
      total: 99.99,
      customer_id: 'CUST-7-VIP',
      items: [cheese],
      shipping: { address: { country: 'AT' } },
    }),
    largeWithoutShipping: eventOf('large-no-shipping', 'order.created', { total: 500, items: [milk] }),
    cancelledInEuros: eventOf('cancelled-eur', 'order.cancelled', { currency: 'EUR' }),
    marker: eventOf('marker', 'order.created', {
      total: 1000,
      currency: 'EUR',
      items: [milk],
      ...germany,
    }),
  };
  const expected: Record<keyof typeof events, string[]> = {
    largeMilkToGermany: ['everything', 'large', 'nested'],
    smallInEuros: ['either', 'everything'],
    vipCheeseToAustria: ['either', 'everything'],
    largeWithoutShipping: ['everything', 'large'],
    cancelledInEuros: ['everything'],
    marker: ['either', 'everything', 'large', 'nested'],
  };

  it('creates deliveries only where the filter passes the event, nested paths too', async () => {
    await publish(...Object.values(events));
    await waitFor(async () => (await deliveredTo(events.marker.id)).length === expected.marker.length, {
      description: 'the deliveries of the last event',
    });
    for (const [name, event] of Object.entries(events)) {
      expect({ event: name, to: await deliveredTo(event.id) }).toEqual({
        event: name,
        to: expected[name as keyof typeof events],
      });
    }
  });

  it('delivers exactly the matching events to each endpoint, signed', async () => {
    const byEndpoint = (name: string) =>
      Object.entries(events)
        .filter(([event]) => expected[event as keyof typeof events].includes(name))
        .map(([, event]) => orderIds.get(event.data.order_id) as string)
        .sort();
    const endpoints = ['large', 'nested', 'either', 'everything'];
    await waitFor(() => endpoints.every((name) => receivedBy(name).length === byEndpoint(name).length), {
      description: 'every matching delivery at the receiver',
    });
    for (const name of endpoints)
      expect({ name, got: receivedBy(name) }).toEqual({ name, got: byEndpoint(name) });
    expect(receiver.received.filter((hit) => !hit.verified)).toEqual([]);
  });

  it('answers the filter test as ingestion decided, without sending anything', async () => {
    const before = await prisma.delivery.count();
    for (const [event, sample] of Object.entries(events)) {
      for (const [name, id] of Object.entries(subscriptionIds)) {
        const res = await call('POST', `/v1/subscriptions/${id}/filter-test`, {
          event: sample.event,
          data: sample.data,
        });
        expect(res.status).toBe(200);
        const answer = res.body as FilterTest;
        expect({ event, name, matches: answer.matches }).toEqual({
          event,
          name,
          matches: expected[event as keyof typeof events].includes(name),
        });
        expect(answer.failed.length === 0).toBe(answer.matches);
      }
    }
    expect(await prisma.delivery.count()).toBe(before);
  });

  it('applies a changed and a removed filter as soon as the change is announced', async () => {
    expect(
      (
        await call('PATCH', `/v1/subscriptions/${subscriptionIds.large}`, {
          filter: { 'data.total': { $lt: 100 } },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/v1/subscriptions/${subscriptionIds.nested}`, { filter: null })).status,
    ).toBe(200);
    // Ingestion applies announcements in the background: probe until both changes show.
    let probes = 0;
    await waitFor(
      async () => {
        const probe = eventOf(`probe-${probes++}`, 'order.created', { total: 10, items: [cheese] });
        await publish(probe);
        await waitFor(async () => (await deliveredTo(probe.id)).includes('everything'), {
          description: 'a probe',
        });
        const to = await deliveredTo(probe.id);
        return to.includes('large') && to.includes('nested');
      },
      { description: 'the changed filters applied', intervalMs: 200, timeoutMs: 60_000 },
    );
    const small = eventOf('small-after-change', 'order.created', { total: 50, items: [cheese] });
    const large = eventOf('large-after-change', 'order.created', { total: 150, items: [cheese] });
    await publish(small, large);
    await waitFor(async () => (await deliveredTo(large.id)).includes('everything'), {
      description: 'the last event',
    });
    expect(await deliveredTo(small.id)).toEqual(['everything', 'large', 'nested']);
    expect(await deliveredTo(large.id)).toEqual(['everything', 'nested']);
  });
});
