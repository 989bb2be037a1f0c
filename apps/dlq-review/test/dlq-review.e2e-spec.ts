import { type PrismaService } from '@smart-dairy/db';
import { CATEGORY_TOPICS, INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import {
  deliveryOutcomeCodec,
  deliveryTaskCodec,
  subscriptionChangeCodec,
  type DeadLetter,
  type DeliveryOutcome,
  type DeliveryTask,
} from '@smart-dairy/messages';
import { ServiceProcess, freePort, waitFor } from '@smart-dairy/stack';
import {
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  createSubscriptionRow,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { randomBytes, randomInt } from 'node:crypto';
import { apiClient, createApiKeys, deadLetter, entryIdOf, publishDeadLetters } from './support';

jest.setTimeout(120_000);

interface Entry {
  id: string;
  delivery_id: string;
  review_status: string;
  final_error: string;
  error_class: string;
  replay_count: number;
  moved_at: string;
  history: { attempt: number; status_code: number | null; error_class: string | null; started_at: string }[];
  payload: { id: string; event: string; timestamp: string; data: Record<string, unknown> };
}

interface Page {
  data: Entry[];
  next_cursor: string | null;
  counts: {
    total: number;
    by_status: Record<string, number>;
    by_error_class: { value: string; count: number }[];
    by_subscription: { value: string; count: number }[];
  };
}

/**
 * The service on its own against the real broker and database: this suite plays the dispatcher,
 * publishing dead letters and outcomes and reading the replay tasks the service produces.
 */
describe('dlq-review service', () => {
  const prefix = uniquePrefix('dlq');
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let service: ServiceProcess;
  let tasks: TopicReader;
  let systemEvents: TopicReader;
  let keys: Record<'admin' | 'read', string>;
  let call: ReturnType<typeof apiClient>;

  /** Subscription ids are made up per test: entries carry no foreign keys. */
  const subscription = () => `wh_sub_${randomBytes(12).toString('hex')}`;

  const entryOf = (deliveryId: string) => prisma.deadLetterEntry.findUnique({ where: { deliveryId } });

  async function arrived(letters: readonly DeadLetter[]): Promise<void> {
    await waitFor(
      async () =>
        (await prisma.deadLetterEntry.count({
          where: { deliveryId: { in: letters.map((l) => l.deliveryId) } },
        })) === letters.length,
      { description: `${letters.length} entries stored`, timeoutMs: 60_000 },
    );
  }

  async function publishOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    await kafka.producer.send({
      topic: kafka.topic(INTERNAL_TOPICS.outcomes),
      messages: outcomes.map((o) => ({ key: o.subscriptionId, value: deliveryOutcomeCodec.encode(o) })),
    });
  }

  const outcome = (
    letter: Pick<DeadLetter, 'deliveryId' | 'subscriptionId'>,
    kind: DeliveryOutcome['outcome'],
    at = new Date(),
  ): DeliveryOutcome => ({
    deliveryId: letter.deliveryId,
    subscriptionId: letter.subscriptionId,
    eventId: 'evt_x',
    eventType: 'order.created',
    attempt: 2,
    outcome: kind,
    statusCode: kind === 'delivered' ? 200 : 503,
    errorClass: kind === 'delivered' ? null : 'http_503',
    latencyMs: 5,
    nextAttemptAt: null,
    at: at.toISOString(),
  });

  function replayTasksOf(deliveryId: string): DeliveryTask[] {
    return tasks
      .values((v) => deliveryTaskCodec.decode(v))
      .flatMap((decoded) => (decoded.ok && decoded.value.deliveryId === deliveryId ? [decoded.value] : []));
  }

  function systemEventsOf(type: string, field: string, value: string) {
    return systemEvents
      .values(
        (v) => JSON.parse(v.toString('utf8')) as { id: string; event: string; data: Record<string, unknown> },
      )
      .filter((e) => e.event === type && e.data[field] === value);
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    keys = await createApiKeys(prisma, 'dlq-e2e');
    tasks = await new TopicReader(kafka, [
      INTERNAL_TOPICS.deliveriesHigh,
      INTERNAL_TOPICS.deliveriesMedium,
      INTERNAL_TOPICS.deliveriesLow,
    ]).start();
    systemEvents = await new TopicReader(kafka, [CATEGORY_TOPICS.system]).start();
    service = new ServiceProcess('dlq-review', {
      port: await freePort(),
      env: serviceEnv(prefix, { ENDPOINT_FAILING_THRESHOLDS: '3,5', DLQ_BULK_CHUNK_SIZE: '250' }),
    }).start();
    await service.waitUntilReady();
    call = apiClient(service.url);
  });

  afterAll(async () => {
    await service?.stop();
    await tasks?.stop();
    await systemEvents?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  describe('intake', () => {
    it('stores a dead letter with its whole history, payload and final error, once', async () => {
      const letter = deadLetter({ subscriptionId: subscription(), errorClass: 'http_404' }, 3);
      await publishDeadLetters(kafka, [letter, letter]);
      await arrived([letter]);

      const { status, body } = await call<Entry>(keys.read, `/v1/dlq/${entryIdOf(letter.deliveryId)}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: entryIdOf(letter.deliveryId),
        delivery_id: letter.deliveryId,
        review_status: 'pending',
        final_error: 'HTTP 404',
        error_class: 'http_404',
        moved_at: letter.movedAt,
        payload: {
          id: letter.eventId,
          event: 'order.created',
          timestamp: letter.occurredAt,
          data: letter.data,
        },
      });
      expect(body.history.map((a) => [a.attempt, a.status_code, a.error_class, a.started_at])).toEqual(
        letter.history.map((a) => [a.attempt, a.statusCode, a.errorClass, a.startedAt]),
      );

      // The same message again, and an older one, after a newer marker has been stored: nothing changes.
      const before = await entryOf(letter.deliveryId);
      const marker = deadLetter({ subscriptionId: letter.subscriptionId });
      await publishDeadLetters(kafka, [
        letter,
        {
          ...letter,
          movedAt: new Date(Date.parse(letter.movedAt) - 60_000).toISOString(),
          finalError: 'old',
        },
        marker,
      ]);
      await arrived([marker]);
      expect(await entryOf(letter.deliveryId)).toEqual(before);
      expect(await prisma.deadLetterEntry.count({ where: { deliveryId: letter.deliveryId } })).toBe(1);
    });

    it('says of an ordered delivery that later events of its key went ahead of it', async () => {
      const orderedLetter = deadLetter({ subscriptionId: subscription(), orderingKey: 'ORD-2024-001' });
      const plain = deadLetter({ subscriptionId: subscription() });
      await publishDeadLetters(kafka, [orderedLetter, plain]);
      await arrived([orderedLetter, plain]);
      const entry = async (letter: DeadLetter) =>
        (await call<Entry>(keys.read, `/v1/dlq/${entryIdOf(letter.deliveryId)}`)).body;
      expect(await entry(orderedLetter)).toMatchObject({
        ordering: { key: 'ORD-2024-001', later_events_went_ahead: true },
      });
      expect(await entry(plain)).toMatchObject({ ordering: null });
    });

    it('puts a retrying entry back to pending with the replay’s attempts when it fails again', async () => {
      const letter = deadLetter({ subscriptionId: subscription() }, 2);
      await publishDeadLetters(kafka, [letter]);
      await arrived([letter]);
      expect(
        (await call(keys.admin, `/v1/dlq/${entryIdOf(letter.deliveryId)}/replay`, { method: 'POST' })).status,
      ).toBe(202);

      const { history: _replaced, ...sameDelivery } = letter;
      const failedAgain = deadLetter(
        {
          ...sameDelivery,
          movedAt: new Date().toISOString(),
          finalError: 'HTTP 500',
          errorClass: 'http_500',
        },
        4,
      );
      await publishDeadLetters(kafka, [failedAgain]);
      await waitFor(async () => (await entryOf(letter.deliveryId))?.reviewStatus === 'pending');
      const { body } = await call<Entry>(keys.read, `/v1/dlq/${entryIdOf(letter.deliveryId)}`);
      expect(body).toMatchObject({
        review_status: 'pending',
        final_error: 'HTTP 500',
        error_class: 'http_500',
        replay_count: 1,
      });
      expect(body.history).toHaveLength(4);
    });
  });

  describe('GET /v1/dlq', () => {
    const sub = { a: '', b: '' };
    const letters: DeadLetter[] = [];
    // A minute of its own per run, so the time-range queries see only this run's entries.
    const base = Date.UTC(1990, 0, 1) + randomInt(0, 2 ** 23) * 60_000;
    const at = (minute: number) => new Date(base + minute * 60_000).toISOString();

    beforeAll(async () => {
      sub.a = subscription();
      sub.b = subscription();
      // Seven entries a minute apart: five of a (three 404, two 500), two of b.
      const plan: [string, number][] = [
        [sub.a, 404],
        [sub.a, 500],
        [sub.b, 404],
        [sub.a, 404],
        [sub.a, 500],
        [sub.b, 410],
        [sub.a, 404],
      ];
      plan.forEach(([subscriptionId, code], i) =>
        letters.push(
          deadLetter({
            subscriptionId,
            errorClass: `http_${code}`,
            finalError: `HTTP ${code}`,
            movedAt: at(i),
          }),
        ),
      );
      await publishDeadLetters(kafka, letters);
      await arrived(letters);
    });

    it('pages newest first with a cursor, each entry once', async () => {
      const seen: string[] = [];
      const pageAfter = async (cursor: string | null): Promise<Page> => {
        const query = `subscription_id=${sub.a}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await call<Page>(keys.read, `/v1/dlq?${query}`);
        expect(status).toBe(200);
        return body;
      };
      let page = await pageAfter(null);
      let pages = 1;
      seen.push(...page.data.map((e) => e.delivery_id));
      while (page.next_cursor) {
        page = await pageAfter(page.next_cursor);
        pages++;
        seen.push(...page.data.map((e) => e.delivery_id));
      }
      const expected = letters
        .filter((l) => l.subscriptionId === sub.a)
        .reverse()
        .map((l) => l.deliveryId);
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);
    });

    it.each<[string, (s: typeof sub) => string, number[]]>([
      ['error class', (s) => `subscription_id=${s.a}&error_class=http_404`, [6, 3, 0]],
      [
        'event type and status',
        (s) => `subscription_id=${s.b}&event_type=order.created&status=pending`,
        [5, 2],
      ],
      [
        'time range (since inclusive, until exclusive)',
        (s) => `subscription_id=${s.a}&moved_since=${at(1)}&moved_until=${at(4)}`,
        [3, 1],
      ],
      ['a status with no entries', (s) => `subscription_id=${s.a}&status=archived`, []],
    ])('filters by %s', async (_case, query, indexes) => {
      const { body } = await call<Page>(keys.read, `/v1/dlq?${query(sub)}`);
      expect(body.data.map((e) => e.delivery_id)).toEqual(indexes.map((i) => letters[i]!.deliveryId));
      expect(body.counts.total).toBe(indexes.length);
    });

    it('counts by status, error class and subscription, each under the other filters', async () => {
      const range = `moved_since=${at(0)}&moved_until=${at(7)}`;
      const { body } = await call<Page>(
        keys.read,
        `/v1/dlq?${range}&subscription_id=${sub.a}&error_class=http_404`,
      );
      expect(body.counts.total).toBe(3);
      expect(body.counts.by_status).toEqual({ pending: 3, retrying: 0, resolved: 0, archived: 0 });
      // Each facet ignores its own filter, so the other values stay in view.
      expect(body.counts.by_error_class).toEqual([
        { value: 'http_404', count: 3 },
        { value: 'http_500', count: 2 },
      ]);
      expect(body.counts.by_subscription).toEqual([
        { value: sub.a, count: 3 },
        { value: sub.b, count: 1 },
      ]);
    });

    it.each<[string, string, string]>([
      ['an unknown status', 'status=failed', 'status'],
      ['a bad cursor', 'cursor=nonsense', 'cursor'],
      ['a page too large', 'limit=500', 'limit'],
      ['an unknown parameter', 'review_status=pending', 'review_status'],
      [
        'a reversed time range',
        'moved_since=2026-02-02T00:00:00Z&moved_until=2026-02-01T00:00:00Z',
        'moved_until',
      ],
    ])('answers %s with 400 problem+json naming the parameter', async (_case, query, path) => {
      const { status, type, body } = await call<{ code: string; problems: { path: string }[] }>(
        keys.read,
        `/v1/dlq?${query}`,
      );
      expect(status).toBe(400);
      expect(type).toContain('application/problem+json');
      expect(body.code).toBe('validation_failed');
      expect(body.problems.map((p) => p.path)).toEqual([path]);
    });
  });

  describe('authorization', () => {
    const unknown = `dlq_${'0'.repeat(32)}`;
    it.each<[string, 'none' | 'bogus' | 'read' | 'admin', string, string, number, string]>([
      ['no key', 'none', 'GET', '/v1/dlq', 401, 'unauthorized'],
      ['an unknown key', 'bogus', 'GET', '/v1/dlq', 401, 'unauthorized'],
      ['a read key replaying', 'read', 'POST', `/v1/dlq/${unknown}/replay`, 403, 'forbidden'],
      ['a read key archiving in bulk', 'read', 'POST', '/v1/dlq/archive', 403, 'forbidden'],
      ['an unknown entry', 'read', 'GET', `/v1/dlq/${unknown}`, 404, 'not_found'],
      ['replaying an unknown entry', 'admin', 'POST', `/v1/dlq/${unknown}/replay`, 404, 'not_found'],
    ])('answers %s (%s key, %s %s) with %i %s', async (_case, key, method, path, status, code) => {
      const bearer = { none: undefined, bogus: 'sdk_nope', read: keys.read, admin: keys.admin }[key];
      const response = await call<{ code: string }>(bearer, path, {
        method,
        ...(method === 'POST' ? { body: { ids: [unknown] } } : {}),
      });
      expect(response.status).toBe(status);
      expect(response.type).toContain('application/problem+json');
      expect(response.body.code).toBe(code);
    });
  });

  describe('replay', () => {
    it('sends the delivery again as a replay, then resolves the entry when it is delivered', async () => {
      const letter = deadLetter({
        subscriptionId: subscription(),
        priority: 'medium',
        eventType: 'payment.completed',
      });
      await publishDeadLetters(kafka, [letter]);
      await arrived([letter]);

      const replayed = await call<Entry>(keys.admin, `/v1/dlq/${entryIdOf(letter.deliveryId)}/replay`, {
        method: 'POST',
      });
      expect(replayed.status).toBe(202);
      expect(replayed.body).toMatchObject({ review_status: 'retrying', replay_count: 1 });
      await waitFor(() => replayTasksOf(letter.deliveryId).length === 1, { description: 'the replay task' });
      const [task] = replayTasksOf(letter.deliveryId);
      expect(task).toEqual({
        deliveryId: letter.deliveryId,
        subscriptionId: letter.subscriptionId,
        priority: 'medium',
        replay: true,
      });
      const message = tasks.messages.find((m) => m.value?.includes(letter.deliveryId));
      // The task names the delivery and nothing more: the dispatcher reads what it sends from Postgres.
      expect(JSON.parse(String(message?.value))).toEqual(task);
      expect(message?.topic).toBe(kafka.topic(INTERNAL_TOPICS.deliveriesMedium));
      expect(String(message?.key)).toBe(letter.subscriptionId);

      await publishOutcomes([outcome(letter, 'retry_scheduled'), outcome(letter, 'delivered')]);
      await waitFor(async () => (await entryOf(letter.deliveryId))?.reviewStatus === 'resolved');
      const again = await call<{ code: string }>(
        keys.admin,
        `/v1/dlq/${entryIdOf(letter.deliveryId)}/replay`,
        {
          method: 'POST',
        },
      );
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
      const audit = await prisma.auditLogEntry.findMany({
        where: { targetId: entryIdOf(letter.deliveryId) },
      });
      expect(audit.map((a) => a.action)).toEqual(['dlq.replay']);
    });

    it('ignores a success older than the entry: it belongs to an earlier life of the delivery', async () => {
      const subscriptionId = subscription();
      const [stale, fresh] = [deadLetter({ subscriptionId }), deadLetter({ subscriptionId })];
      await publishDeadLetters(kafka, [stale!, fresh!]);
      await arrived([stale!, fresh!]);
      // One subscription's outcomes share a partition, so once the second is applied the first has been.
      await publishOutcomes([
        outcome(stale!, 'delivered', new Date(Date.parse(stale!.movedAt) - 1_000)),
        outcome(fresh!, 'delivered'),
      ]);
      await waitFor(async () => (await entryOf(fresh!.deliveryId))?.reviewStatus === 'resolved');
      expect((await entryOf(stale!.deliveryId))?.reviewStatus).toBe('pending');
    });

    it('sends once when the same entry is replayed ten times at once', async () => {
      const letter = deadLetter({ subscriptionId: subscription() });
      await publishDeadLetters(kafka, [letter]);
      await arrived([letter]);
      const path = `/v1/dlq/${entryIdOf(letter.deliveryId)}/replay`;
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => (await call(keys.admin, path, { method: 'POST' })).status),
      );
      expect(statuses.sort()).toEqual([202, ...Array<number>(9).fill(409)]);
      // A marker replayed afterwards shows the service has produced everything it was going to.
      const marker = deadLetter({ subscriptionId: letter.subscriptionId });
      await publishDeadLetters(kafka, [marker]);
      await arrived([marker]);
      await call(keys.admin, `/v1/dlq/${entryIdOf(marker.deliveryId)}/replay`, { method: 'POST' });
      await waitFor(() => replayTasksOf(marker.deliveryId).length === 1);
      expect(replayTasksOf(letter.deliveryId)).toHaveLength(1);
      expect((await entryOf(letter.deliveryId))?.replayCount).toBe(1);
    });

    it('replays 1,000 entries selected by a filter, each exactly once, and skips them the second time', async () => {
      const subscriptionId = subscription();
      const letters = Array.from({ length: 1_000 }, () => deadLetter({ subscriptionId }));
      await publishDeadLetters(kafka, letters);
      await arrived(letters);

      const started = performance.now();
      const { status, body } = await call(keys.admin, '/v1/dlq/replay', {
        method: 'POST',
        body: { filter: { subscription_id: subscriptionId } },
      });
      const tookMs = Math.round(performance.now() - started);
      expect(status).toBe(202);
      expect(body).toEqual({ requested: 1_000, replayed: 1_000, skipped: 0, has_more: false });
      console.log(`bulk replay of 1,000 entries answered in ${tookMs} ms`);

      const ours = () =>
        tasks
          .values((v) => deliveryTaskCodec.decode(v))
          .filter((t) => t.ok && t.value.subscriptionId === subscriptionId);
      await waitFor(() => ours().length >= 1_000, { description: '1,000 replay tasks' });
      const second = await call(keys.admin, '/v1/dlq/replay', {
        method: 'POST',
        body: { filter: { subscription_id: subscriptionId } },
      });
      expect(second.body).toEqual({ requested: 0, replayed: 0, skipped: 0, has_more: false });
      const replayedIds = ours().map((t) => (t.ok ? t.value.deliveryId : ''));
      expect(replayedIds).toHaveLength(1_000);
      expect(new Set(replayedIds)).toEqual(new Set(letters.map((l) => l.deliveryId)));
      expect(
        await prisma.deadLetterEntry.count({
          where: { subscriptionId, reviewStatus: 'retrying', replayCount: 1 },
        }),
      ).toBe(1_000);
    });

    it('replays a list of ids, skipping the unknown and the ones not pending', async () => {
      const subscriptionId = subscription();
      const letters = Array.from({ length: 3 }, () => deadLetter({ subscriptionId }));
      await publishDeadLetters(kafka, letters);
      await arrived(letters);
      await call(keys.admin, `/v1/dlq/${entryIdOf(letters[0]!.deliveryId)}/archive`, { method: 'POST' });
      const ids = [...letters.map((l) => entryIdOf(l.deliveryId)), `dlq_${'f'.repeat(32)}`];
      const { status, body } = await call(keys.admin, '/v1/dlq/replay', { method: 'POST', body: { ids } });
      expect(status).toBe(202);
      expect(body).toEqual({ requested: 4, replayed: 2, skipped: 2, has_more: false });
    });
  });

  describe('archive', () => {
    it('archives pending and resolved entries, never one being replayed', async () => {
      const subscriptionId = subscription();
      const [pending, retrying, other] = Array.from({ length: 3 }, () => deadLetter({ subscriptionId }));
      await publishDeadLetters(kafka, [pending!, retrying!, other!]);
      await arrived([pending!, retrying!, other!]);
      await call(keys.admin, `/v1/dlq/${entryIdOf(retrying!.deliveryId)}/replay`, { method: 'POST' });

      const archived = await call<Entry>(keys.admin, `/v1/dlq/${entryIdOf(pending!.deliveryId)}/archive`, {
        method: 'POST',
      });
      expect(archived.status).toBe(200);
      expect(archived.body.review_status).toBe('archived');
      const refused = await call<{ code: string; detail: string }>(
        keys.admin,
        `/v1/dlq/${entryIdOf(retrying!.deliveryId)}/archive`,
        { method: 'POST' },
      );
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain('retrying');

      const bulk = await call(keys.admin, '/v1/dlq/archive', {
        method: 'POST',
        body: { filter: { subscription_id: subscriptionId } },
      });
      expect(bulk.body).toEqual({ requested: 1, archived: 1, skipped: 0, has_more: false });
      expect((await entryOf(other!.deliveryId))?.archivedAt).toBeInstanceOf(Date);
      expect((await entryOf(retrying!.deliveryId))?.reviewStatus).toBe('retrying');
    });
  });

  describe('operational events on events.system', () => {
    it('announces a dead-lettered delivery, but not one of a system event', async () => {
      const subscriptionId = subscription();
      const business = deadLetter({ subscriptionId, errorClass: 'http_404' }, 2);
      const operational = deadLetter({
        subscriptionId,
        eventType: 'system.dead_lettered',
        data: { note: 'an operator endpoint failed' },
      });
      await publishDeadLetters(kafka, [business, operational]);
      await arrived([business, operational]);
      await waitFor(
        () => systemEventsOf('system.dead_lettered', 'delivery_id', business.deliveryId).length > 0,
      );
      const [event] = systemEventsOf('system.dead_lettered', 'delivery_id', business.deliveryId);
      expect(event?.data).toEqual({
        delivery_id: business.deliveryId,
        subscription_id: subscriptionId,
        event_id: business.eventId,
        event_type: 'order.created',
        error_class: 'http_404',
        final_error: 'HTTP 404',
        attempts: 2,
        moved_at: business.movedAt,
      });
      const message = systemEvents.messages.find((m) => m.value?.includes(business.deliveryId));
      expect(String(message?.key)).toBe(subscriptionId);
      expect(systemEventsOf('system.dead_lettered', 'delivery_id', operational.deliveryId)).toEqual([]);
    });

    it('announces a disabled subscription with the reason on its row', async () => {
      const row = await createSubscriptionRow(prisma, { events: ['order.created'] });
      await prisma.subscription.update({
        where: { id: row.id },
        data: { status: 'disabled', disabledReason: 'endpoint answered 410 Gone', disabledAt: new Date() },
      });
      const at = new Date().toISOString();
      await kafka.producer.send({
        topic: kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
        messages: [
          {
            key: row.id,
            value: subscriptionChangeCodec.encode({ subscriptionId: row.id, change: 'updated', at }),
          },
          {
            key: row.id,
            value: subscriptionChangeCodec.encode({ subscriptionId: row.id, change: 'disabled', at }),
          },
        ],
      });
      await waitFor(
        () => systemEventsOf('system.subscription_disabled', 'subscription_id', row.id).length > 0,
      );
      expect(
        systemEventsOf('system.subscription_disabled', 'subscription_id', row.id).map((e) => e.data),
      ).toEqual([{ subscription_id: row.id, reason: 'endpoint answered 410 Gone', disabled_at: at }]);
    });

    it('warns when an endpoint’s consecutive failures cross each threshold, and again after a success', async () => {
      const target = { deliveryId: `wh_${'e'.repeat(32)}`, subscriptionId: subscription() };
      const start = Date.now();
      const kinds = [...Array<'retry_scheduled'>(6).fill('retry_scheduled'), 'delivered' as const];
      const script = [...kinds, ...kinds.slice(0, 3)];
      await publishOutcomes(script.map((kind, i) => outcome(target, kind, new Date(start + i * 1_000))));
      const crossings = () =>
        systemEventsOf('system.endpoint_failing', 'subscription_id', target.subscriptionId).map(
          (e) => e.data.threshold,
        );
      await waitFor(() => crossings().length >= 3, { description: 'three threshold crossings' });
      expect(crossings()).toEqual([3, 5, 3]);
    });
  });

  it('serves the review console without a key', async () => {
    const page = await fetch(`${service.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<label for="api-key">API key</label>');
    expect((await fetch(`${service.url}/console/console.js`)).status).toBe(200);
    expect((await fetch(`${service.url}/console/..%2Fconsole.controller.js`)).status).toBe(404);
  });
});
