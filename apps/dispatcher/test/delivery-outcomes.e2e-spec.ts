import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { generateSecret } from '@smart-dairy/signing';
import { waitFor } from '@smart-dairy/stack';
import {
  TEST_SECRET_ENCRYPTION_KEYS,
  TestReceiver,
  connectTestPrisma,
  enqueueDeliveries,
  type Behaviour,
} from '@smart-dairy/testing';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(180_000);

const cipher = SecretCipher.fromKeyRing(TEST_SECRET_ENCRYPTION_KEYS);

describe('dispatcher: what each answer leads to', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    // A breaker that never opens here: these tests are about single endpoints' answers.
    fixture = await new DispatcherFixture('dsp', prisma, {
      ...FAST_RETRIES,
      BREAKER_VOLUME_THRESHOLD: '100000',
      BACKLOG_DEFER_MS: '300',
    }).start();
  });

  afterAll(async () => {
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  const status = (code: number, headers?: Record<string, string>): Behaviour => ({
    kind: 'status',
    status: code,
    headers,
  });

  const cases: {
    name: string;
    script: Behaviour[];
    url?: string;
    final: 'delivered' | 'dead_lettered';
    attempts: number;
    errorClass: string | null;
    disables?: boolean;
  }[] = [
    { name: '500', script: [status(500)], final: 'dead_lettered', attempts: 3, errorClass: 'http_500' },
    {
      name: '503 with Retry-After',
      script: [status(503, { 'retry-after': '1' }), status(200)],
      final: 'delivered',
      attempts: 2,
      errorClass: null,
    },
    { name: '429', script: [status(429)], final: 'dead_lettered', attempts: 3, errorClass: 'http_429' },
    { name: '408', script: [status(408)], final: 'dead_lettered', attempts: 3, errorClass: 'http_408' },
    { name: '404', script: [status(404)], final: 'dead_lettered', attempts: 1, errorClass: 'http_404' },
    {
      name: '410',
      script: [status(410)],
      final: 'dead_lettered',
      attempts: 1,
      errorClass: 'http_410',
      disables: true,
    },
    {
      name: '301',
      script: [status(301, { location: 'http://127.0.0.1:1/elsewhere' })],
      final: 'dead_lettered',
      attempts: 3,
      errorClass: 'http_301',
    },
    {
      name: 'timeout',
      script: [{ kind: 'hang' }],
      final: 'dead_lettered',
      attempts: 3,
      errorClass: 'timeout',
    },
    {
      name: 'refused connection',
      script: [],
      url: 'http://127.0.0.1:1/closed',
      final: 'dead_lettered',
      attempts: 3,
      errorClass: 'connection_refused',
    },
    {
      name: 'reset mid-response',
      script: [{ kind: 'reset' }],
      final: 'dead_lettered',
      attempts: 3,
      errorClass: 'connection_reset',
    },
    {
      name: '10 MiB body',
      script: [{ kind: 'huge-body', bytes: 10 * 1024 * 1024 }],
      final: 'delivered',
      attempts: 1,
      errorClass: null,
    },
    {
      name: 'trickling body',
      script: [{ kind: 'trickle', bytes: 100, everyMs: 1_000 }],
      final: 'delivered',
      attempts: 1,
      errorClass: null,
    },
  ];

  it('ends every status class and network failure in the right state with the right attempts', async () => {
    const started = await Promise.all(
      cases.map(async (c) => {
        const sub = await fixture.subscribe(receiver, `case-${c.name.replace(/\W+/g, '-')}`, ...c.script);
        if (c.url) await prisma.subscription.update({ where: { id: sub.id }, data: { url: c.url } });
        const [task] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
        return { c, sub, task: task! };
      }),
    );
    for (const { c, sub, task } of started) {
      const row = await fixture.settled(task.deliveryId);
      expect({ case: c.name, status: row.status, attempts: row.attempts.length }).toEqual({
        case: c.name,
        status: c.final,
        attempts: c.attempts,
      });
      expect(row.attempts.map((a) => a.attempt)).toEqual(Array.from({ length: c.attempts }, (_, i) => i + 1));
      const last = row.attempts[row.attempts.length - 1]!;
      expect({ case: c.name, errorClass: last.errorClass }).toEqual({
        case: c.name,
        errorClass: c.errorClass,
      });
      if (c.name === '10 MiB body') expect(last.responseBody?.length).toBeLessThanOrEqual(64 * 1024);
      if (c.name === 'trickling body') expect(last.latencyMs).toBeLessThan(3_000);
      if (c.name === '503 with Retry-After') {
        const gap = row.attempts[1]!.startedAt.getTime() - row.attempts[0]!.finishedAt.getTime();
        expect(gap).toBeGreaterThanOrEqual(1_000);
      }
      const subscription = await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } });
      expect({ case: c.name, status: subscription.status }).toEqual({
        case: c.name,
        status: c.disables ? 'disabled' : 'active',
      });
    }
  });

  it('retries with the same X-Webhook-ID, rising attempt numbers, valid signatures and the scheduled delays', async () => {
    const sub = await fixture.subscribe(receiver, 'twice-then-ok', status(500), status(502), status(200));
    const [task] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
    const row = await fixture.settled(task!.deliveryId);
    expect(row.status).toBe('delivered');
    const hits = receiver.hits('twice-then-ok');
    expect(hits.map((h) => [h.deliveryId, h.attempt, h.verified])).toEqual([
      [task!.deliveryId, 1, true],
      [task!.deliveryId, 2, true],
      [task!.deliveryId, 3, true],
    ]);
    // 300 ms then 600 ms, each +/-25%, plus at most one scheduler tick (100 ms) and some slack.
    const gap = (i: number) =>
      row.attempts[i + 1]!.startedAt.getTime() - row.attempts[i]!.finishedAt.getTime();
    expect(gap(0)).toBeGreaterThanOrEqual(225);
    expect(gap(0)).toBeLessThan(375 + 400);
    expect(gap(1)).toBeGreaterThanOrEqual(450);
    expect(gap(1)).toBeLessThan(750 + 400);
  });

  /** What the subscription service does after changing a secret. */
  const announceRotation = (subscriptionId: string) =>
    fixture.kafka.producer.send({
      topic: fixture.kafka.topic(INTERNAL_TOPICS.subscriptionChanges),
      messages: [
        {
          key: subscriptionId,
          value: subscriptionChangeCodec.encode({
            subscriptionId,
            change: 'secret_rotated',
            at: new Date().toISOString(),
          }),
        },
      ],
    });

  it('parks a delivery whose run throws, never leaves it pending, and delivers it once the fault is gone', async () => {
    const sub = await fixture.subscribe(receiver, 'run-throws');
    // An empty signing secret (a damaged row) makes signing throw inside the run: a failure that is not
    // the endpoint's answer, so no attempt is spent on it.
    await prisma.subscription.update({
      where: { id: sub.id },
      data: { secretCiphertext: cipher.encrypt('', { subscriptionId: sub.id, slot: 'current' }) },
    });
    const [delivery] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
    const parked = await waitFor(async () => {
      const row = await prisma.delivery.findUnique({ where: { id: delivery!.deliveryId } });
      return row?.status === 'retrying' && row.lastError === 'dispatch_failed' ? row : undefined;
    });
    expect(parked.attemptCount).toBe(0);
    expect(receiver.hits('run-throws')).toHaveLength(0);

    await prisma.subscription.update({
      where: { id: sub.id },
      data: { secretCiphertext: cipher.encrypt(sub.secret, { subscriptionId: sub.id, slot: 'current' }) },
    });
    await announceRotation(sub.id);
    const settled = await fixture.settled(delivery!.deliveryId);
    expect(settled.status).toBe('delivered');
    expect(settled.attempts).toHaveLength(1);
    expect(
      receiver.hits('run-throws').filter((h) => h.deliveryId === delivery!.deliveryId && h.verified),
    ).toHaveLength(1);
  });

  it('sends a pending delivery whose task was lost once its lease ends, and not before', async () => {
    const sub = await fixture.subscribe(receiver, 'lost-task');
    // Rows written, tasks never published: what a crash between Postgres and Kafka leaves behind.
    const [expired] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: sub.id,
      count: 1,
      publish: false,
      leaseEndsAt: new Date(Date.now() - 1_000),
    });
    const [leased] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: sub.id,
      count: 1,
      publish: false,
      leaseEndsAt: new Date(Date.now() + 3_600_000),
    });
    const settled = await fixture.settled(expired!.deliveryId);
    expect(settled.status).toBe('delivered');
    // Ten scheduler passes later, the delivery still within its lease (a normal backlog) is left alone.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const waiting = await prisma.delivery.findUnique({ where: { id: leased!.deliveryId } });
    expect(waiting?.status).toBe('pending');
    expect(receiver.hits('lost-task').map((h) => h.deliveryId)).toEqual([expired!.deliveryId]);
  });

  it('signs with the new secret right after a rotation is announced', async () => {
    const sub = await fixture.subscribe(receiver, 'rotation');
    const [before] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
    await fixture.settled(before!.deliveryId);
    // What the subscription service does on rotate-secret: new current, previous kept, then announced.
    const rotated = generateSecret();
    await prisma.subscription.update({
      where: { id: sub.id },
      data: {
        secretCiphertext: cipher.encrypt(rotated, { subscriptionId: sub.id, slot: 'current' }),
        previousSecretCiphertext: cipher.encrypt(sub.secret, { subscriptionId: sub.id, slot: 'previous' }),
        previousSecretExpiresAt: new Date(Date.now() + 86_400_000),
        secretRotatedAt: new Date(),
      },
    });
    await announceRotation(sub.id);
    // The receiver now knows only the new secret: a delivery signed with the old one would fail.
    receiver.endpoint('rotation', rotated);
    await waitFor(async () => {
      const [probe] = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 1 });
      await fixture.settled(probe!.deliveryId);
      return receiver.hits('rotation').some((h) => h.deliveryId === probe!.deliveryId && h.verified);
    });
    expect(receiver.hits('rotation').filter((h) => h.deliveryId === before!.deliveryId)[0]?.verified).toBe(
      true,
    );
  });

  it('keeps its memory flat however large the responses are', async () => {
    const rss = async () => {
      const text = await (await fetch(`${fixture.service.url}/metrics`)).text();
      return Number(/process_resident_memory_bytes\{[^}]*\} (\d+)/.exec(text)?.[1]);
    };
    const sub = await fixture.subscribe(receiver, 'huge', { kind: 'huge-body', bytes: 10 * 1024 * 1024 });
    const before = await rss();
    const tasks = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: sub.id, count: 30 });
    await waitFor(
      async () =>
        (await prisma.delivery.count({
          where: { id: { in: tasks.map((t) => t.deliveryId) }, status: 'delivered' },
        })) === tasks.length,
      { timeoutMs: 60_000, description: '30 deliveries answered with 10 MiB each' },
    );
    const after = await rss();
    // 300 MiB of response bodies went by; the process keeps at most 64 KiB of each.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  });
});
