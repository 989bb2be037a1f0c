import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase } from './database-admin';
import {
  ApiKeyScope,
  DeliveryStatus,
  Prisma,
  Priority,
  ReviewStatus,
  SubscriptionOrdering,
  SubscriptionStatus,
} from './generated/prisma/client';
import { applyMigrations } from './migrations';
import { PrismaService } from './prisma.service';
import { actualShape, expectedShape } from './testing/schema-shape';
import { createThrowawayDatabase } from './testing/throwaway-database';

const PRISMA_DIR = join(__dirname, '..', '..', '..', 'prisma');

/** Proves the hand-written migrations build the database schema.prisma describes. */
describe('schema vs migrations', () => {
  let databaseUrl: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    databaseUrl = await createThrowawayDatabase('schema');
    await applyMigrations({ databaseUrl, migrationsDir: join(PRISMA_DIR, 'migrations') });
    prisma = new PrismaService({ databaseUrl, poolSize: 2 });
    await prisma.onModuleInit();
  });

  afterAll(async () => {
    await prisma?.onApplicationShutdown();
    await dropDatabase(databaseUrl);
  });

  const at = (iso: string) => new Date(iso);
  const uniqueViolation = expect.objectContaining({ code: 'P2002' });

  it('has exactly the columns, enums, indexes and foreign keys of schema.prisma', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const expected = expectedShape(readFileSync(join(PRISMA_DIR, 'schema.prisma'), 'utf8'));
      expect(expected.columns.length).toBeGreaterThan(70);
      expect(await actualShape(client)).toEqual(expected);
    } finally {
      await client.end();
    }
  });

  it('round-trips a Subscription with every field set, and with only the required ones', async () => {
    const full = {
      id: 'wh_sub_full',
      url: 'https://partner.example/hooks',
      events: ['order.*', 'invoice.paid'],
      status: SubscriptionStatus.disabled,
      description: 'Partner ERP',
      metadata: { team: 'erp', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } },
      rateLimitPerSecond: 25,
      filter: { 'data.total': { $gte: 100 }, $or: [{ event: 'order.created' }, { 'data.tags.0': null }] },
      secretCiphertext: 'v1:cipher-current',
      previousSecretCiphertext: 'v1:cipher-previous',
      previousSecretExpiresAt: at('2026-12-01T00:00:00.123Z'),
      secretCreatedAt: at('2026-11-01T10:00:00.001Z'),
      secretRotatedAt: at('2026-11-20T10:00:00.002Z'),
      signatureScheme: 'standard-webhooks',
      customHeaders: [{ name: 'Authorization', ciphertext: 'v2:cipher-header' }],
      disabledReason: 'failing for 3 days',
      disabledAt: at('2026-11-25T10:00:00.003Z'),
      failingSince: at('2026-11-22T10:00:00.004Z'),
      ordering: SubscriptionOrdering.per_key,
      createdAt: at('2026-11-01T10:00:00.005Z'),
      deletedAt: at('2026-11-28T10:00:00.006Z'),
      backlogDueAt: at('2026-11-28T10:00:00.007Z'),
    };
    await prisma.subscription.create({ data: full });
    const read = await prisma.subscription.findUniqueOrThrow({ where: { id: full.id } });
    expect(read).toEqual({ ...full, updatedAt: expect.any(Date) });

    const minimal = await prisma.subscription.create({
      data: { id: 'wh_sub_min', url: 'https://min.example', events: [], secretCiphertext: 'v1:c' },
    });
    expect(minimal).toEqual({
      id: 'wh_sub_min',
      url: 'https://min.example',
      events: [],
      status: SubscriptionStatus.active,
      description: null,
      metadata: {},
      rateLimitPerSecond: null,
      filter: null,
      secretCiphertext: 'v1:c',
      previousSecretCiphertext: null,
      previousSecretExpiresAt: null,
      secretCreatedAt: expect.any(Date),
      secretRotatedAt: null,
      signatureScheme: 'smart-dairy',
      customHeaders: [],
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      ordering: SubscriptionOrdering.none,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      deletedAt: null,
      backlogDueAt: null,
    });

    const updated = await prisma.subscription.update({
      where: { id: 'wh_sub_min' },
      data: { events: { push: 'order.created' } },
    });
    expect(updated.events).toEqual(['order.created']);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(minimal.updatedAt.getTime());
    await expect(
      prisma.subscription.findMany({
        where: { status: SubscriptionStatus.active, events: { has: 'order.created' } },
      }),
    ).resolves.toHaveLength(1);
  });

  it('refuses a signature scheme the dispatcher cannot sign with', async () => {
    await expect(
      prisma.subscription.create({
        data: {
          id: 'wh_sub_scheme',
          url: 'https://s.example',
          secretCiphertext: 'c',
          signatureScheme: 'md5',
        },
      }),
    ).rejects.toThrow(/subscriptions_signature_scheme_check/);
  });

  it('round-trips Events, Deliveries and DeliveryAttempts with their relations', async () => {
    await prisma.subscription.create({
      data: { id: 'wh_sub_rel', url: 'https://r.example', events: ['*'], secretCiphertext: 'c' },
    });
    const event = {
      category: 'order',
      id: 'evt_1',
      type: 'order.created',
      occurredAt: at('2026-11-29T01:00:00.789Z'),
      occurredAtText: '2026-11-29T06:30:00.789+05:30',
      data: { orderId: 'o-1', lines: [{ sku: 'milk', qty: 2 }], total: 12.5 },
      dataJson: '{"orderId":"o-1","lines":[{"sku":"milk","qty":2}],"total":12.50}',
      partitionKey: 'farm-7',
      sourceTopic: 'smart-dairy.events',
      sourcePartition: 3,
      sourceOffset: '9007199254740993',
      receivedAt: at('2026-11-29T01:00:01.000Z'),
    };
    await prisma.event.create({ data: event });
    await expect(
      prisma.event.findUniqueOrThrow({ where: { category_id: { category: 'order', id: 'evt_1' } } }),
    ).resolves.toEqual(event);
    await prisma.event.create({
      data: {
        category: 't',
        id: 'evt_min',
        type: 't',
        occurredAt: new Date(),
        occurredAtText: 't',
        data: [1, 'two'],
        dataJson: '[1,"two"]',
        sourceTopic: 's',
        sourcePartition: 0,
        sourceOffset: '0',
      },
    });
    await expect(
      prisma.event.findUniqueOrThrow({ where: { category_id: { category: 't', id: 'evt_min' } } }),
    ).resolves.toMatchObject({
      data: [1, 'two'],
      partitionKey: null,
      receivedAt: expect.any(Date),
    });

    const delivery = {
      id: 'wh_0123456789abcdef0123456789abcdef',
      eventCategory: 'order',
      eventId: 'evt_1',
      subscriptionId: 'wh_sub_rel',
      eventType: 'order.created',
      priority: Priority.high,
      status: DeliveryStatus.retrying,
      attemptCount: 2,
      retryBudgetBase: 1,
      nextAttemptAt: at('2026-11-29T01:05:00.000Z'),
      lastError: 'HTTP 503',
      lastStatusCode: 503,
      createdAt: at('2026-11-29T01:00:02.000Z'),
      deliveredAt: at('2026-11-29T01:06:00.000Z'),
      replayRequestedAt: at('2026-11-29T01:07:00.123Z'),
      orderKey: 'ORD-1',
      orderPartition: 3,
      // Kafka offsets are int64: past 2^53 they must stay exact.
      orderOffset: 9007199254740993n,
      orderReleasedAt: at('2026-11-29T01:06:00.001Z'),
      waitingFor: 'wh_fedcba9876543210fedcba9876543210',
    };
    await prisma.delivery.create({ data: delivery });
    const attempts = [1, 2].map((attempt) => ({
      deliveryId: delivery.id,
      attempt,
      statusCode: attempt === 1 ? null : 503,
      latencyMs: 120 * attempt,
      errorClass: attempt === 1 ? 'timeout' : 'http_5xx',
      error: attempt === 1 ? 'timed out after 10s' : null,
      responseBody: attempt === 1 ? null : 'x'.repeat(64 * 1024),
      startedAt: at(`2026-11-29T01:0${attempt}:00.000Z`),
      finishedAt: at(`2026-11-29T01:0${attempt}:00.120Z`),
    }));
    for (const data of attempts) await prisma.deliveryAttempt.create({ data });

    const read = await prisma.delivery.findUniqueOrThrow({
      where: {
        eventCategory_eventId_subscriptionId: {
          eventCategory: 'order',
          eventId: 'evt_1',
          subscriptionId: 'wh_sub_rel',
        },
      },
      include: { event: true, subscription: true, attempts: { orderBy: { attempt: 'asc' } } },
    });
    expect(read).toEqual({
      ...delivery,
      traceContext: null,
      updatedAt: expect.any(Date),
      event,
      subscription: expect.objectContaining({ id: 'wh_sub_rel' }),
      attempts: attempts.map((a) => ({ ...a, id: expect.any(BigInt) })),
    });
    expect(read.attempts[1].id).toBeGreaterThan(read.attempts[0].id);
    await expect(
      prisma.delivery.findMany({
        where: { status: DeliveryStatus.retrying, nextAttemptAt: { lte: at('2026-11-29T02:00:00Z') } },
      }),
    ).resolves.toHaveLength(1);

    // One delivery per (event, subscription), one row per attempt number.
    await expect(prisma.delivery.create({ data: { ...delivery, id: 'wh_other' } })).rejects.toEqual(
      uniqueViolation,
    );
    await expect(prisma.deliveryAttempt.create({ data: attempts[0] })).rejects.toEqual(uniqueViolation);

    // An id is unique within its category only: another category may use it for its own event.
    await prisma.event.create({ data: { ...event, category: 'payment', type: 'payment.completed' } });
    await expect(prisma.event.create({ data: event })).rejects.toEqual(uniqueViolation);

    // Foreign keys: unknown event refused (the id exists, but not in this category), subscriptions with deliveries cannot be deleted, attempts cascade.
    await expect(
      prisma.delivery.create({ data: { ...delivery, id: 'wh_orphan', eventCategory: 'user' } }),
    ).rejects.toEqual(expect.objectContaining({ code: 'P2003' }));
    await expect(prisma.subscription.delete({ where: { id: 'wh_sub_rel' } })).rejects.toBeInstanceOf(
      Prisma.PrismaClientKnownRequestError,
    );
    await prisma.delivery.delete({ where: { id: delivery.id } });
    await expect(prisma.deliveryAttempt.count({ where: { deliveryId: delivery.id } })).resolves.toBe(0);
  });

  it('round-trips a DeadLetterEntry', async () => {
    const entry = {
      id: 'dlq_1',
      deliveryId: 'wh_dead',
      subscriptionId: 'wh_sub_gone',
      eventId: 'evt_gone',
      eventType: 'order.cancelled',
      priority: Priority.high,
      payload: { id: 'evt_gone', type: 'order.cancelled', data: { reason: 'dup' } },
      history: [
        { attempt: 1, statusCode: 500, latencyMs: 10, error: null },
        { attempt: 2, statusCode: null, latencyMs: 10000, error: 'timeout' },
      ],
      finalError: 'timeout',
      errorClass: 'timeout',
      reviewStatus: ReviewStatus.retrying,
      movedAt: at('2026-11-29T00:00:00.000Z'),
      replayCount: 3,
      omittedAttempts: 9,
      orderingKey: 'ORD-1',
      lastReplayedAt: at('2026-11-29T00:30:00.000Z'),
      resolvedAt: at('2026-11-29T00:45:00.000Z'),
      archivedAt: at('2026-11-29T01:00:00.000Z'),
      createdAt: at('2026-11-29T00:00:00.500Z'),
    };
    await prisma.deadLetterEntry.create({ data: entry });
    await expect(
      prisma.deadLetterEntry.findUniqueOrThrow({ where: { deliveryId: 'wh_dead' } }),
    ).resolves.toEqual({
      ...entry,
      updatedAt: expect.any(Date),
    });

    const minimal = await prisma.deadLetterEntry.create({
      data: {
        ...entry,
        id: 'dlq_2',
        deliveryId: 'wh_dead_2',
        reviewStatus: undefined,
        replayCount: undefined,
        omittedAttempts: undefined,
        lastReplayedAt: undefined,
        resolvedAt: undefined,
        archivedAt: undefined,
      },
    });
    expect(minimal).toMatchObject({
      reviewStatus: ReviewStatus.pending,
      replayCount: 0,
      omittedAttempts: 0,
      lastReplayedAt: null,
      resolvedAt: null,
      archivedAt: null,
    });
    await expect(prisma.deadLetterEntry.create({ data: { ...entry, id: 'dlq_3' } })).rejects.toEqual(
      uniqueViolation,
    );
  });

  it('round-trips an ApiKey and keeps key hashes unique', async () => {
    const key = {
      id: 'key_1',
      name: 'ops admin',
      prefix: 'sdw_live_ab',
      hash: 'a'.repeat(64),
      scope: ApiKeyScope.producer,
      expiresAt: at('2027-01-01T00:00:00.000Z'),
      revokedAt: at('2026-12-01T00:00:00.000Z'),
      lastUsedAt: at('2026-11-29T00:00:00.000Z'),
      createdAt: at('2026-11-01T00:00:00.000Z'),
    };
    await prisma.apiKey.create({ data: key });
    await expect(prisma.apiKey.findUniqueOrThrow({ where: { hash: key.hash } })).resolves.toEqual(key);
    await expect(
      prisma.apiKey.create({
        data: { id: 'key_2', name: 'n', prefix: 'p', hash: key.hash, scope: ApiKeyScope.read },
      }),
    ).rejects.toEqual(uniqueViolation);
    await expect(
      prisma.apiKey.create({
        data: { id: 'key_3', name: 'n', prefix: 'p', hash: 'b'.repeat(64), scope: ApiKeyScope.admin },
      }),
    ).resolves.toMatchObject({
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdAt: expect.any(Date),
    });
  });

  it('round-trips AuditLogEntries with increasing BigInt ids', async () => {
    const first = await prisma.auditLogEntry.create({
      data: {
        actorKeyId: 'key_1',
        actorName: 'ops admin',
        action: 'subscription.disable',
        targetType: 'subscription',
        targetId: 'wh_sub_full',
        details: { reason: 'partner request' },
        createdAt: at('2026-11-29T00:00:00.000Z'),
      },
    });
    const second = await prisma.auditLogEntry.create({
      data: { actorName: 'bootstrap', action: 'api_key.create', targetType: 'api_key' },
    });
    expect(typeof first.id).toBe('bigint');
    expect(second.id).toBeGreaterThan(first.id);
    await expect(prisma.auditLogEntry.findUniqueOrThrow({ where: { id: first.id } })).resolves.toEqual({
      id: first.id,
      actorKeyId: 'key_1',
      actorName: 'ops admin',
      action: 'subscription.disable',
      targetType: 'subscription',
      targetId: 'wh_sub_full',
      details: { reason: 'partner request' },
      createdAt: at('2026-11-29T00:00:00.000Z'),
    });
    expect(second).toMatchObject({
      actorKeyId: null,
      targetId: null,
      details: {},
      createdAt: expect.any(Date),
    });
  });

  it('round-trips an IdempotencyRecord under its composite key', async () => {
    const record = {
      scopeKeyId: 'key_1',
      key: 'idem-123',
      requestHash: 'c'.repeat(64),
      statusCode: 201,
      responseBody: { id: 'wh_sub_x', list: [] },
      createdAt: at('2026-11-29T00:00:00.000Z'),
    };
    await prisma.idempotencyRecord.create({ data: record });
    await prisma.idempotencyRecord.create({ data: { ...record, scopeKeyId: 'key_2', createdAt: undefined } });
    await expect(
      prisma.idempotencyRecord.findUniqueOrThrow({
        where: { scopeKeyId_key: { scopeKeyId: 'key_1', key: 'idem-123' } },
      }),
    ).resolves.toEqual(record);
    await expect(prisma.idempotencyRecord.create({ data: record })).rejects.toEqual(uniqueViolation);
  });
});
