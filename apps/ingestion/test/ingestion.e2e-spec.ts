import { generateApiKey } from '@smart-dairy/api-auth';
import { ApiKeyScope, SubscriptionOrdering, SubscriptionStatus, type PrismaService } from '@smart-dairy/db';
import { CATEGORY_TOPICS, INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { deliveryTaskCodec, invalidEventCodec, subscriptionChangeCodec } from '@smart-dairy/messages';
import {
  BUSINESS_EVENT_TYPES,
  EVENT_CATALOG,
  MAX_EVENT_BYTES,
  categoryOf,
  deliveryIdFor,
} from '@smart-dairy/schemas';
import { ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import {
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  createSubscriptionRow,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { randomBytes, randomUUID } from 'node:crypto';

jest.setTimeout(180_000);

describe('ingestion service', () => {
  const prefix = uniquePrefix('ing');
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let ingestion: ServiceProcess;
  const subs: Record<string, string> = {};
  let disabled: string;
  /** Ordered per key, to payment.refunded only: outside `subs`, whose fan-out the first test checks exactly. */
  let orderedSub: string;

  const eventIdOf = (label: string) => `evt-${prefix}${label}`;

  async function publish(type: string, id: string | undefined, data?: unknown, key = 'k'): Promise<void> {
    const topicCategory = type.includes('.') ? type.slice(0, type.indexOf('.')) : 'order';
    const topic = kafka.topic(`events.${topicCategory}` as (typeof CATEGORY_TOPICS)['order']);
    const payload = {
      ...(id ? { id } : {}),
      event: type,
      timestamp: '2026-01-31T10:30:00Z',
      data: data ?? EVENT_CATALOG[type as keyof typeof EVENT_CATALOG].sample,
    };
    await kafka.producer.send({ topic, messages: [{ key, value: JSON.stringify(payload) }] });
  }

  async function deliveriesOf(eventId: string): Promise<string[]> {
    const rows = await prisma.delivery.findMany({ where: { eventId }, select: { subscriptionId: true } });
    return rows.map((r) => r.subscriptionId).sort();
  }

  async function startIngestion(): Promise<ServiceProcess> {
    const service = new ServiceProcess('ingestion', {
      port: await freePort(),
      env: serviceEnv(prefix, { SUBSCRIPTION_REFRESH_INTERVAL_MS: '600000' }),
    }).start();
    await service.waitUntilReady();
    return service;
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    // Filters are per suite, so the subscriptions of other suites in the shared database
    // would match too: they are disabled for the duration by using unique event ids instead.
    const fixtures = {
      exact: ['order.created'],
      orders: ['order.*'],
      everything: ['*'],
      logistics: ['shipment.delivered', 'inventory.low'],
    };
    for (const [name, events] of Object.entries(fixtures)) {
      subs[name] = (await createSubscriptionRow(prisma, { events })).id;
    }
    subs.deleted = (await createSubscriptionRow(prisma, { events: ['*'] })).id;
    await prisma.subscription.update({ where: { id: subs.deleted }, data: { deletedAt: new Date() } });
    // Not among `subs`: it gets a waiting delivery of every order.refunded event, which only one test expects.
    disabled = (
      await createSubscriptionRow(prisma, { events: ['order.refunded'], status: SubscriptionStatus.disabled })
    ).id;
    orderedSub = (
      await createSubscriptionRow(prisma, {
        events: ['payment.refunded'],
        ordering: SubscriptionOrdering.per_key,
      })
    ).id;
    ingestion = await startIngestion();
  });

  afterAll(async () => {
    await ingestion?.stop();
    // Deleted: a disabled subscription would still get (waiting) deliveries of other suites' events.
    await prisma.subscription.updateMany({
      where: { id: { in: [...Object.values(subs), disabled, orderedSub] } },
      data: { deletedAt: new Date() },
    });
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  /**
   * `data` as a producer may write it, which parsing and serialising again would change: integer-like keys
   * that JavaScript orders "2" before "10", \u escapes, 1.0 and 2.50, spaces.
   */
  const producerDataJson =
    '{ "product_id": "PROD-CR\\u00c8ME-1L", "name": "Cr\\u00e8me fra\\u00eeche", "changed_fields": ["price"],' +
    ' "updated_at": "2026-01-31T10:30:00Z", "price": 1.0, "by_size": {"10": 2.50, "2": 1.0} }';

  /** The stored event, once ingestion has written it. */
  async function storedEvent(category: string, id: string) {
    const where = { category_id: { category, id } };
    await waitFor(async () => (await prisma.event.findUnique({ where })) !== null, {
      description: `event ${id} stored`,
    });
    return prisma.event.findUniqueOrThrow({ where });
  }

  /** The delivery of an event to a subscription, once ingestion has written it. */
  const deliveryOf = (eventId: string, subscriptionId: string) =>
    waitFor(
      async () => (await prisma.delivery.findFirst({ where: { eventId, subscriptionId } })) ?? undefined,
      {
        description: `delivery of ${eventId}`,
      },
    );

  /** Only this suite's subscriptions: the database is shared with other suites. */
  const ours = (ids: string[]) => ids.filter((id) => Object.values(subs).includes(id));

  it('fans one event of each of the 14 business types out to exactly the matching live subscriptions', async () => {
    for (const type of BUSINESS_EVENT_TYPES) await publish(type, eventIdOf(type));
    const expected = (type: string): string[] =>
      [
        subs.everything,
        ...(type === 'order.created' ? [subs.exact] : []),
        ...(categoryOf(type as (typeof BUSINESS_EVENT_TYPES)[number]) === 'order' ? [subs.orders] : []),
        ...(type === 'shipment.delivered' || type === 'inventory.low' ? [subs.logistics] : []),
      ].sort() as string[];
    for (const type of BUSINESS_EVENT_TYPES) {
      await waitFor(async () => ours(await deliveriesOf(eventIdOf(type))).length === expected(type).length, {
        description: `deliveries of ${type}`,
      });
      expect(ours(await deliveriesOf(eventIdOf(type)))).toEqual(expected(type));
    }
    // The hand-off: one task per delivery on the priority topic, keyed by subscription id, naming the
    // delivery and carrying no event content.
    const reader = await new TopicReader(kafka, [
      INTERNAL_TOPICS.deliveriesHigh,
      INTERNAL_TOPICS.deliveriesMedium,
      INTERNAL_TOPICS.deliveriesLow,
    ]).start();
    const id = eventIdOf('order.created');
    const deliveryIds = (await deliveriesOf(id)).map((sub) =>
      deliveryIdFor({ type: 'order.created', id }, sub),
    );
    const tasksOf = () => reader.messages.filter((m) => deliveryIds.some((d) => m.value?.includes(d)));
    await waitFor(() => tasksOf().length >= deliveryIds.length);
    for (const m of tasksOf()) {
      const task = deliveryTaskCodec.decode(m.value);
      if (!task.ok) throw new Error(task.error);
      expect(m.topic).toBe(kafka.topic(INTERNAL_TOPICS.deliveriesHigh));
      expect(String(m.key)).toBe(task.value.subscriptionId);
      expect(JSON.parse(String(m.value))).toEqual({
        deliveryId: deliveryIdFor({ type: 'order.created', id }, task.value.subscriptionId),
        subscriptionId: task.value.subscriptionId,
        priority: 'high',
      });
    }
    await reader.stop();
  });

  it('makes a waiting delivery with no task for a disabled subscription, and a pending one with a task otherwise', async () => {
    const reader = await new TopicReader(kafka, [INTERNAL_TOPICS.deliveriesMedium]).start();
    const id = eventIdOf('refund-while-disabled');
    await publish('order.refunded', id);
    const idFor = (sub: string) => deliveryIdFor({ type: 'order.refunded', id }, sub);
    await waitFor(async () => (await deliveriesOf(id)).includes(disabled), {
      description: 'the waiting delivery',
    });
    const rows = await prisma.delivery.findMany({
      where: { id: { in: [idFor(disabled), idFor(subs.orders!), idFor(subs.everything!)] } },
      orderBy: { subscriptionId: 'asc' },
    });
    expect(rows.map((r) => [r.subscriptionId, r.status, r.nextAttemptAt === null]).sort()).toEqual(
      [
        [disabled, 'waiting', true],
        [subs.orders, 'pending', false],
        [subs.everything, 'pending', false],
      ].sort(),
    );
    const tasksOf = (delivery: string) => reader.messages.filter((m) => m.value?.includes(delivery));
    await waitFor(() => [subs.everything!, subs.orders!].every((sub) => tasksOf(idFor(sub)).length === 1), {
      description: 'the pending ones handed off',
    });
    expect(tasksOf(idFor(disabled))).toEqual([]);
    await reader.stop();
  });

  it("stores the data and timestamp of a Kafka message as the producer's bytes, beside the parsed data", async () => {
    const id = eventIdOf('as-written');
    const value =
      `{"id": "${id}", "event": "product.updated", "timestamp": "2026-01-31T10:30:00Z",\n` +
      ` "data": ${producerDataJson}}`;
    await kafka.producer.send({ topic: kafka.topic('events.product'), messages: [{ key: 'k', value }] });

    const row = await storedEvent('product', id);
    expect(row.dataJson).toBe(producerDataJson);
    expect(row.occurredAtText).toBe('2026-01-31T10:30:00Z');
    // What filters and queries read is still the parsed value.
    expect(row.data).toEqual(JSON.parse(producerDataJson));
    expect(row.occurredAt).toEqual(new Date('2026-01-31T10:30:00Z'));
  });

  it("gives an ordered subscription's deliveries their event's Kafka key and position, and nobody else's", async () => {
    const keyed = eventIdOf('ordered-keyed');
    const keyless = eventIdOf('ordered-keyless');
    await publish('payment.refunded', keyed, undefined, 'PAY-ordered');
    const value = JSON.stringify({
      id: keyless,
      event: 'payment.refunded',
      timestamp: '2026-01-31T10:30:00Z',
      data: EVENT_CATALOG['payment.refunded'].sample,
    });
    await kafka.producer.send({ topic: kafka.topic('events.payment'), messages: [{ key: null, value }] });

    const event = await storedEvent('payment', keyed);
    const position = (d: {
      orderKey: string | null;
      orderPartition: number | null;
      orderOffset: bigint | null;
    }) => ({
      key: d.orderKey,
      partition: d.orderPartition,
      offset: d.orderOffset,
    });
    expect(position(await deliveryOf(keyed, orderedSub))).toEqual({
      key: 'PAY-ordered',
      partition: event.sourcePartition,
      offset: BigInt(event.sourceOffset),
    });
    const unordered = { key: null, partition: null, offset: null };
    expect(position(await deliveryOf(keyed, subs.everything as string))).toEqual(unordered);
    // An event without a key is its own key: nothing to order it by.
    expect(position(await deliveryOf(keyless, orderedSub))).toEqual(unordered);
  });

  it('creates one delivery per subscription for an event id published five times', async () => {
    const id = eventIdOf('five-times');
    for (let i = 0; i < 5; i++) await publish('order.cancelled', id);
    const marker = eventIdOf('after-five');
    await publish('order.cancelled', marker);
    await waitFor(async () => ours(await deliveriesOf(marker)).length === 2);
    expect(ours(await deliveriesOf(id))).toEqual([subs.orders, subs.everything].sort());
  });

  it('scopes event ids by category: an order event cannot suppress a payment event with its id', async () => {
    const id = eventIdOf('shared-across-categories');
    await publish('order.created', id);
    await waitFor(async () => ours(await deliveriesOf(id)).length === 3, { description: 'order deliveries' });
    await publish('payment.completed', id);
    await waitFor(async () => ours(await deliveriesOf(id)).length === 4, { description: 'payment delivery' });
    const rows = await prisma.delivery.findMany({ where: { eventId: id, subscriptionId: subs.everything } });
    expect(rows.map((r) => r.eventType).sort()).toEqual(['order.created', 'payment.completed']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
  });

  it('quarantines a reused id with other content as id_conflict, and drops a true duplicate quietly', async () => {
    const reader = await new TopicReader(kafka, [INTERNAL_TOPICS.invalid]).start();
    const id = eventIdOf('conflict');
    const sample = EVENT_CATALOG['order.updated'].sample as Record<string, unknown>;
    await publish('order.updated', id, sample, 'first');
    await waitFor(async () => ours(await deliveriesOf(id)).length === 2, { description: 'first version' });
    await publish('order.updated', id, sample, 'duplicate');
    await publish('order.updated', id, { ...sample, status: 'cancelled' }, 'other-data');
    await publish('order.cancelled', id, undefined, 'other-type');
    const marker = eventIdOf('after-conflict');
    await publish('order.updated', marker);
    await waitFor(async () => ours(await deliveriesOf(marker)).length === 2, { description: 'marker' });
    await waitFor(() => reader.messages.some((m) => String(m.key) === 'other-type'), {
      description: 'conflicts quarantined',
    });
    const records = reader
      .values((v) => invalidEventCodec.decode(v))
      .flatMap((r) => (r.ok && r.value.source.topic === kafka.topic(CATEGORY_TOPICS.order) ? [r.value] : []));
    const ofId = records.filter((r) =>
      Buffer.from(r.value ?? '', 'base64')
        .toString()
        .includes(id),
    );
    // Keyed differently, so on different partitions: in no particular order.
    expect(ofId.map((r) => [r.key, r.reason, r.problems[0]?.path]).sort()).toEqual([
      ['other-data', 'id_conflict', 'id'],
      ['other-type', 'id_conflict', 'id'],
    ]);
    // The first version stands: its deliveries only, with its data.
    const deliveries = await prisma.delivery.findMany({ where: { eventId: id }, include: { event: true } });
    expect(ours(deliveries.map((d) => d.subscriptionId)).sort()).toEqual(
      [subs.orders, subs.everything].sort(),
    );
    expect(deliveries.every((d) => d.eventType === 'order.updated' && d.event.data !== null)).toBe(true);
    expect(deliveries[0]?.event.data).toEqual(sample);
    const metrics = await (await fetch(`${ingestion.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestion_event_id_conflicts_total\{[^}]*category="order"[^}]*\} 2/);
    await reader.stop();
  });

  it('quarantines every kind of invalid message with its problem and carries on', async () => {
    const topic = kafka.topic(CATEGORY_TOPICS.payment);
    const oversized = JSON.stringify({
      id: eventIdOf('big'),
      event: 'payment.completed',
      timestamp: '2026-01-31T10:30:00Z',
      data: { ...EVENT_CATALOG['payment.completed'].sample, pad: 'x'.repeat(MAX_EVENT_BYTES) },
    });
    const bad = [
      { label: 'garbage', value: Buffer.from([0xff, 0x00, 0x13, 0x37]), path: '' },
      { label: 'not-object', value: Buffer.from('[1,2,3]'), path: '' },
      {
        label: 'unknown',
        value: Buffer.from(
          JSON.stringify({ event: 'payment.teleported', timestamp: '2026-01-31T10:30:00Z', data: {} }),
        ),
        path: 'event',
      },
      {
        label: 'wrong-type',
        value: Buffer.from(
          JSON.stringify({
            event: 'payment.completed',
            timestamp: '2026-01-31T10:30:00Z',
            data: { ...EVENT_CATALOG['payment.completed'].sample, amount: 'lots' },
          }),
        ),
        path: 'data.amount',
      },
      {
        label: 'bad-timestamp',
        value: Buffer.from(
          JSON.stringify({
            event: 'payment.completed',
            timestamp: 'yesterday',
            data: EVENT_CATALOG['payment.completed'].sample,
          }),
        ),
        path: 'timestamp',
      },
      { label: 'oversized', value: Buffer.from(oversized), path: '' },
      {
        label: 'lone-surrogate',
        value: Buffer.from(
          JSON.stringify({
            event: 'payment.completed',
            timestamp: '2026-01-31T10:30:00Z',
            data: { ...EVENT_CATALOG['payment.completed'].sample, note: 'milk\ud83e' },
          }),
        ),
        path: 'data.note',
      },
    ];
    const valid = [eventIdOf('mixed-1'), eventIdOf('mixed-2'), eventIdOf('mixed-3')];
    const reader = await new TopicReader(kafka, [INTERNAL_TOPICS.invalid]).start();
    await kafka.producer.send({
      topic,
      messages: [
        {
          key: 'v1',
          value: JSON.stringify({
            id: valid[0],
            event: 'payment.failed',
            timestamp: '2026-01-31T10:30:00Z',
            data: EVENT_CATALOG['payment.failed'].sample,
          }),
        },
        ...bad.slice(0, 3).map((b) => ({ key: b.label, value: b.value })),
        {
          key: 'v2',
          value: JSON.stringify({
            id: valid[1],
            event: 'payment.completed',
            timestamp: '2026-01-31T10:30:00Z',
            data: EVENT_CATALOG['payment.completed'].sample,
          }),
        },
        ...bad.slice(3).map((b) => ({ key: b.label, value: b.value })),
        {
          key: 'v3',
          value: JSON.stringify({
            id: valid[2],
            event: 'payment.refunded',
            timestamp: '2026-01-31T10:30:00Z',
            data: EVENT_CATALOG['payment.refunded'].sample,
          }),
        },
      ],
    });
    for (const id of valid) {
      await waitFor(async () => ours(await deliveriesOf(id)).includes(subs.everything as string), {
        description: `valid event ${id} fanned out`,
      });
    }
    await waitFor(() => reader.messages.length >= bad.length, { description: 'quarantined messages' });
    const quarantined = reader.values((v) => {
      const decoded = invalidEventCodec.decode(v);
      if (!decoded.ok) throw new Error(decoded.error);
      return decoded.value;
    });
    for (const b of bad) {
      const record = quarantined.find((q) => q.key === b.label);
      expect(record).toBeDefined();
      expect(record?.source.topic).toBe(topic);
      // Originals are kept up to the event size limit, so a quarantine record always fits on Kafka.
      const kept = b.value.subarray(0, MAX_EVENT_BYTES);
      expect(Buffer.from(record?.value ?? '', 'base64').equals(kept)).toBe(true);
      expect(record?.problems.some((p) => p.path === b.path)).toBe(true);
    }
    await reader.stop();
    expect((await fetch(`${ingestion.url}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${ingestion.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestion_events_quarantined_total\{[^}]*\} [7-9]/);
  });

  it('starts delivering to a subscription within 2 seconds of its announcement', async () => {
    const created = await createSubscriptionRow(prisma, { events: ['user.updated'] });
    subs.late = created.id;
    const announcedAt = Date.now();
    await kafka.producer.send({
      topic: kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
      messages: [
        {
          key: created.id,
          value: subscriptionChangeCodec.encode({
            subscriptionId: created.id,
            change: 'created',
            at: new Date().toISOString(),
          }),
        },
      ],
    });
    // Events keep flowing; the first one published 2 s after the announcement must match.
    let n = 0;
    let matchedAfter = Infinity;
    while (Date.now() - announcedAt < 5_000) {
      const id = eventIdOf(`flow-${n++}`);
      const sentAt = Date.now();
      await publish('user.updated', id);
      await waitFor(async () => ours(await deliveriesOf(id)).includes(subs.everything as string));
      if ((await deliveriesOf(id)).includes(created.id)) {
        matchedAfter = Math.min(matchedAfter, sentAt - announcedAt);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(matchedAfter).toBeLessThanOrEqual(2_000);
  });

  describe('POST /v1/events', () => {
    const keys: Partial<Record<ApiKeyScope, string>> = {};

    beforeAll(async () => {
      for (const scope of [ApiKeyScope.producer, ApiKeyScope.read]) {
        const { key, prefix: keyPrefix, hash } = generateApiKey();
        await prisma.apiKey.create({
          data: {
            id: `key_${randomBytes(16).toString('hex')}`,
            name: `ingestion-e2e-${scope}`,
            prefix: keyPrefix,
            hash,
            scope,
          },
        });
        keys[scope] = key;
      }
    });

    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${ingestion.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.producer}`, ...headers },
        body,
      });
    const event = (id?: string) =>
      JSON.stringify({
        ...(id ? { id } : {}),
        event: 'order.created',
        timestamp: '2026-01-31T10:30:00Z',
        data: EVENT_CATALOG['order.created'].sample,
      });

    it('accepts a valid event with 202 once Kafka has it, and fans it out', async () => {
      const id = eventIdOf('http-valid');
      const res = await post(event(id));
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ id, event: 'order.created', status: 'accepted' });
      await waitFor(async () => ours(await deliveriesOf(id)).length === 3);
      expect(ours(await deliveriesOf(id))).toEqual([subs.exact, subs.orders, subs.everything].sort());
    });

    it("keys an event by its aggregate id, as the producer library does: an ordered subscription's key", async () => {
      const id = eventIdOf('http-ordered');
      const data = { ...EVENT_CATALOG['payment.refunded'].sample, payment_id: 'PAY-over-http' };
      const res = await post(
        JSON.stringify({ id, event: 'payment.refunded', timestamp: '2026-01-31T10:30:00Z', data }),
      );
      expect(res.status).toBe(202);
      expect((await deliveryOf(id, orderedSub)).orderKey).toBe('PAY-over-http');
    });

    it("carries the body's data and timestamp through Kafka to the events row as the producer wrote them", async () => {
      const id = eventIdOf('http-as-written');
      const timestamp = '2026-01-31T11:30:00.120+01:00';
      const res = await post(
        `{"id":"${id}", "event":"product.updated", "timestamp":"${timestamp}", "data":${producerDataJson}}`,
      );
      expect(res.status).toBe(202);

      const row = await storedEvent('product', id);
      expect(row.dataJson).toBe(producerDataJson);
      expect(row.occurredAtText).toBe(timestamp);
      expect(row.occurredAt).toEqual(new Date('2026-01-31T10:30:00.120Z'));
    });

    it('answers 400 problem+json with the field problems for an invalid event', async () => {
      const res = await post(
        JSON.stringify({ event: 'order.created', timestamp: 'soon', data: { order_id: 7 } }),
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as { code: string; problems: { path: string }[] };
      expect(body.code).toBe('validation_failed');
      expect(body.problems.map((p) => p.path)).toEqual(
        expect.arrayContaining(['timestamp', 'data.order_id']),
      );
    });

    it('answers 413 for a body over the size limit', async () => {
      const res = await post(JSON.stringify({ pad: 'x'.repeat(MAX_EVENT_BYTES + 1) }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
    });

    it('returns the first answer for a repeated Idempotency-Key and publishes once', async () => {
      const idempotencyKey = randomUUID();
      const first = await post(event(), { 'idempotency-key': idempotencyKey });
      const second = await post(event(), { 'idempotency-key': idempotencyKey });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      const firstBody = (await first.json()) as { id: string };
      expect(await second.json()).toEqual(firstBody);
      await waitFor(async () => ours(await deliveriesOf(firstBody.id)).length === 3);
      expect(await prisma.event.count({ where: { id: firstBody.id } })).toBe(1);
      const reused = await post(JSON.stringify({ ...JSON.parse(event()), id: 'other' }), {
        'idempotency-key': idempotencyKey,
      });
      expect(reused.status).toBe(409);
    });

    it('refuses system.* events with 403 and publishes nothing', async () => {
      const id = eventIdOf('http-forged-alert');
      const res = await post(
        JSON.stringify({
          id,
          event: 'system.subscription_disabled',
          timestamp: '2026-01-31T10:30:00Z',
          data: EVENT_CATALOG['system.subscription_disabled'].sample,
        }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({
        code: 'forbidden',
        detail: expect.stringContaining('only the platform'),
      });
      // A later event on the same path is stored, so the refused one would have been by now.
      const marker = eventIdOf('http-after-forged-alert');
      expect((await post(event(marker))).status).toBe(202);
      await waitFor(async () => (await prisma.event.count({ where: { id: marker } })) === 1);
      expect(await prisma.event.count({ where: { id } })).toBe(0);
    });

    it('requires a producer API key', async () => {
      expect((await post(event(), { authorization: '' })).status).toBe(401);
      expect((await post(event(), { authorization: 'Bearer sdk_not-a-key' })).status).toBe(401);
      expect((await post(event(), { authorization: `Bearer ${keys.read}` })).status).toBe(403);
    });
  });

  it('creates every delivery exactly once across a SIGKILL in the middle of 10,000 events', async () => {
    const runId = randomUUID().slice(0, 8);
    const ids = Array.from({ length: 10_000 }, (_, i) => `evt-kill-${runId}-${i}`);
    for (let i = 0; i < ids.length; i += 1_000) {
      await kafka.producer.send({
        topic: kafka.topic(CATEGORY_TOPICS.inventory),
        messages: ids.slice(i, i + 1_000).map((id) => ({
          key: id,
          value: JSON.stringify({
            id,
            event: 'inventory.low',
            timestamp: '2026-01-31T10:30:00Z',
            data: EVENT_CATALOG['inventory.low'].sample,
          }),
        })),
      });
    }
    const count = () =>
      prisma.delivery.count({
        where: { eventId: { startsWith: `evt-kill-${runId}-` }, subscriptionId: subs.logistics },
      });
    await waitFor(async () => (await count()) >= 1_000, { timeoutMs: 120_000, intervalMs: 20 });
    await ingestion.stop('SIGKILL');
    const atKill = await count();
    ingestion = await startIngestion();
    await waitFor(async () => (await count()) === ids.length, { timeoutMs: 150_000, intervalMs: 250 });
    expect(atKill).toBeLessThan(ids.length);
    const perEvent = await prisma.delivery.groupBy({
      by: ['eventId'],
      where: {
        eventId: { startsWith: `evt-kill-${runId}-` },
        subscriptionId: { in: [subs.logistics!, subs.everything!] },
      },
      _count: { _all: true },
    });
    expect(perEvent).toHaveLength(ids.length);
    expect(perEvent.every((row) => row._count._all === 2)).toBe(true);
  });
});
