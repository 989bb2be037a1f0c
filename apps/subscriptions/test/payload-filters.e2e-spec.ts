import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import type { ServiceProcess } from '@smart-dairy/stack';
import { waitFor } from '@smart-dairy/stack';
import { TopicReader, connectTestKafka, connectTestPrisma, uniquePrefix } from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { ApiClient, expectProblem, startSubscriptions } from './api-client';

jest.setTimeout(120_000);

interface Subscription {
  id: string;
  filter: Record<string, unknown> | null;
}

const HOOK = 'http://127.0.0.1:9/hook';
const FILTER = {
  'data.total': { $gte: 100 },
  $or: [{ 'data.currency': 'EUR' }, { 'data.shipping.address.country': { $in: ['DE', 'AT'] } }],
};

describe('subscriptions service: payload filters', () => {
  const prefix = uniquePrefix('subsfilter');
  const adminKey = `sdk_${randomBytes(32).toString('base64url')}`;
  let service: ServiceProcess;
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let changes: TopicReader;
  let api: ApiClient;

  async function create(body: Record<string, unknown> = {}): Promise<Subscription> {
    const res = await api.post('/v1/subscriptions', { url: HOOK, events: ['order.*'], ...body });
    expect(res.status).toBe(201);
    return res.body as Subscription;
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    changes = await new TopicReader(kafka, [INTERNAL_TOPICS.subscriptionChanges]).start();
    service = await startSubscriptions(prefix, { ADMIN_API_KEY: adminKey });
    api = new ApiClient(service.url, adminKey);
  });

  afterAll(async () => {
    await service?.stop();
    await changes?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  it('stores a filter and shows it in every view of the subscription', async () => {
    const created = await create({ filter: FILTER });
    expect(created.filter).toEqual(FILTER);
    expect(((await api.get(`/v1/subscriptions/${created.id}`)).body as Subscription).filter).toEqual(FILTER);
    const page = (await api.get('/v1/subscriptions?limit=100')).body as { data: Subscription[] };
    expect(page.data.find((s) => s.id === created.id)?.filter).toEqual(FILTER);
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.filter).toEqual(FILTER);
    expect((await create()).filter).toBeNull();
  });

  it('answers 400 with one problem per bad part of a filter, at create and at update', async () => {
    const filter = {
      'data.total': { $gte: true, $between: [1, 2] },
      $or: [{ total: 1 }, { 'data.region': [] }],
      $not: { 'data..status': 'x' },
      'data.tags': { $in: ['a', { b: 1 }] },
    };
    const expected = [
      { path: 'filter["data.total"].$gte', message: expect.stringMatching(/^must be a number or a string/) },
      { path: 'filter["data.total"].$between', message: expect.stringMatching(/^unknown operator/) },
      { path: 'filter.$or[0].total', message: expect.stringMatching(/^field path is not part of the event/) },
      { path: 'filter.$or[1]["data.region"]', message: 'use {"$in": [...]} to match one of several values' },
      {
        path: 'filter.$not["data..status"]',
        message: expect.stringMatching(/^field path has an empty segment/),
      },
      { path: 'filter["data.tags"].$in[1]', message: 'must be a string, a number, a boolean or null' },
    ];
    const created = expectProblem(
      await api.post('/v1/subscriptions', { url: HOOK, events: ['order.*'], filter }),
      400,
      'validation_failed',
    );
    expect(created.problems).toEqual(expected);
    const { id } = await create();
    const updated = expectProblem(
      await api.patch(`/v1/subscriptions/${id}`, { filter }),
      400,
      'validation_failed',
    );
    expect(updated.problems).toEqual(expected);
    expect((await prisma.subscription.findUniqueOrThrow({ where: { id } })).filter).toBeNull();
  });

  it('refuses a filter over the limits', async () => {
    const conditions = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`data.f${i}`, i]));
    const res = await api.post('/v1/subscriptions', { url: HOOK, events: ['order.*'], filter: conditions });
    expect(expectProblem(res, 400, 'validation_failed').problems).toEqual([
      { path: 'filter', message: 'has 51 conditions; at most 50' },
    ]);
  });

  it('changes and removes a filter with PATCH, audited and announced', async () => {
    const { id } = await create({ filter: FILTER });
    const changed = await api.patch(`/v1/subscriptions/${id}`, { filter: { event: 'order.created' } });
    expect(changed.status).toBe(200);
    expect((changed.body as Subscription).filter).toEqual({ event: 'order.created' });
    const removed = await api.patch(`/v1/subscriptions/${id}`, { filter: null });
    expect((removed.body as Subscription).filter).toBeNull();
    expect((await prisma.subscription.findUniqueOrThrow({ where: { id } })).filter).toBeNull();
    const audit = await prisma.auditLogEntry.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, (a.details as { fields?: string[] }).fields])).toEqual([
      ['subscription.created', undefined],
      ['subscription.updated', ['filter']],
      ['subscription.updated', ['filter']],
    ]);
    await waitFor(() => announced(id).length === 3, { description: 'three announcements' });
    expect(announced(id)).toEqual(['created', 'updated', 'updated']);
  });

  function announced(id: string): string[] {
    return changes
      .values((v) => subscriptionChangeCodec.decode(v))
      .flatMap((c) => (c.ok && c.value.subscriptionId === id ? [c.value.change] : []));
  }

  describe('POST /v1/subscriptions/{id}/filter-test', () => {
    let id: string;
    let readKey: string;
    beforeAll(async () => {
      id = (await create({ filter: FILTER })).id;
      readKey = (
        (await api.post('/v1/api-keys', { name: 'filter-test', scope: 'read' })).body as { key: string }
      ).key;
    });

    it('says an event matches, to a read key, and sends nothing', async () => {
      const [events, deliveries] = [await prisma.event.count(), await prisma.delivery.count()];
      const res = await api.post(
        `/v1/subscriptions/${id}/filter-test`,
        { event: 'order.created', data: { total: 120, shipping: { address: { country: 'AT' } } } },
        { key: readKey },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ matches: true, events_match: true, filter_matches: true, failed: [] });
      expect([await prisma.event.count(), await prisma.delivery.count()]).toEqual([events, deliveries]);
    });

    // jsonb keeps no key order: the stored filter has its keys shortest first, $or before data.total.
    it('names each clause that keeps an event out', async () => {
      const res = await api.post(`/v1/subscriptions/${id}/filter-test`, {
        event: 'payment.completed',
        data: { total: '120', currency: 'USD' },
      });
      expect(res.body).toEqual({
        matches: false,
        events_match: false,
        filter_matches: false,
        failed: [
          { clause: 'events', message: '["order.*"] select no payment.completed event' },
          { clause: 'filter.$or', message: 'no alternative matched' },
          { clause: 'filter.$or[0]["data.currency"]', message: 'data.currency is "USD", not $eq "EUR"' },
          {
            clause: 'filter.$or[1]["data.shipping.address.country"].$in',
            message: 'data.shipping.address.country is missing',
          },
          {
            clause: 'filter["data.total"].$gte',
            message: 'data.total is a string "120"; $gte 100 only matches numbers',
          },
        ],
      });
    });

    it("tests the type's catalog sample when no data is given", async () => {
      const res = await api.post(`/v1/subscriptions/${id}/filter-test`, { event: 'order.created' });
      expect((res.body as { failed: unknown[] }).failed).toEqual([
        expect.objectContaining({ clause: 'filter.$or' }),
        expect.objectContaining({ clause: 'filter.$or[0]["data.currency"]' }),
        expect.objectContaining({ clause: 'filter.$or[1]["data.shipping.address.country"].$in' }),
        { clause: 'filter["data.total"].$gte', message: 'data.total is 13.28, not $gte 100' },
      ]);
    });

    it('answers 400 for an unknown event type and 404 for an unknown subscription', async () => {
      const bad = await api.post(`/v1/subscriptions/${id}/filter-test`, { event: 'order.shipped' });
      expect(expectProblem(bad, 400, 'validation_failed').problems?.map((p) => p.path)).toEqual(['event']);
      const unknown = await api.post('/v1/subscriptions/wh_sub_000000000000000000000000/filter-test', {
        event: 'order.created',
      });
      expectProblem(unknown, 404, 'not_found');
    });
  });

  it('documents the filter with its example and the filter test in the served OpenAPI document', async () => {
    const document = (await api.get('/docs/openapi.json')).text;
    expect(document).toContain('/v1/subscriptions/{id}/filter-test');
    expect(document).toContain(JSON.stringify(FILTER['$or']));
  });
});
