import type { ApiKey, PrismaService } from '@smart-dairy/db';
import { ProblemError, ValidationProblem } from '@smart-dairy/http-problem';
import { EventPublisher, type EventRecord, type EventTransport } from '@smart-dairy/producer';
import { BUSINESS_EVENT_TYPES, EVENT_CATALOG, MAX_EVENT_BYTES, type EventType } from '@smart-dairy/schemas';
import { createHash } from 'node:crypto';
import { HttpEventIntake } from './http-event-intake';

const API_KEY = { id: 'key_producer' } as ApiKey;
const TIMESTAMP = '2026-03-02T07:15:30.000Z';

/** A publisher whose Kafka only records what it was sent. */
function recordingPublisher() {
  const sent: EventRecord[] = [];
  const transport: EventTransport = {
    topicName: (topic) => `t1.${topic}`,
    send: async (records) => {
      sent.push(...records);
      return records.map(() => ({ partition: 0, offset: '0' }));
    },
  };
  return { publisher: new EventPublisher(transport), sent };
}

interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  responseBody: unknown;
}

/** The idempotency records table, in memory. */
function fakePrisma(): PrismaService {
  const rows = new Map<string, StoredAnswer>();
  const idempotencyRecord = {
    findUnique: async ({ where }: { where: { scopeKeyId_key: { scopeKeyId: string; key: string } } }) =>
      rows.get(JSON.stringify(where.scopeKeyId_key)) ?? null,
    createMany: async ({ data }: { data: (StoredAnswer & { scopeKeyId: string; key: string })[] }) => {
      for (const { scopeKeyId, key, ...answer } of data)
        rows.set(JSON.stringify({ scopeKeyId, key }), answer);
    },
  };
  return { idempotencyRecord } as unknown as PrismaService;
}

function intake() {
  const { publisher, sent } = recordingPublisher();
  const prisma = fakePrisma();
  return { intake: new HttpEventIntake(publisher, prisma), sent, prisma };
}

const body = (message: Record<string, unknown>) => Buffer.from(JSON.stringify(message));
const sampleOf = <T extends EventType>(type: T) => EVENT_CATALOG[type].sample;

describe('HttpEventIntake', () => {
  it.each(BUSINESS_EVENT_TYPES)('sends %s as the record the producer library sends for it', async (type) => {
    const http = intake();
    const { status } = await http.intake.accept(
      body({ id: 'evt_1', event: type, timestamp: TIMESTAMP, data: sampleOf(type) }),
      API_KEY,
      undefined,
    );
    const library = recordingPublisher();
    await library.publisher.publish(type, sampleOf(type), { id: 'evt_1', timestamp: TIMESTAMP });
    expect(status).toBe(202);
    expect(http.sent).toEqual(library.sent);
  });

  it("forwards the producer's data text and timestamp string as written, not as parsing would rewrite them", async () => {
    const { intake: http, sent } = intake();
    const dataJson = JSON.stringify(sampleOf('product.updated'))
      .replace(/}$/, ', "sizes": {"10": 1.0, "2": "Cr\\u00e8me"}}')
      .replace('{', '{ ');
    const timestamp = '2026-03-02T12:45:30.25+05:30';
    const raw = `{"id":"evt_1", "event":"product.updated", "timestamp":"${timestamp}", "data":\n${dataJson}\n}`;
    await http.accept(Buffer.from(raw), API_KEY, undefined);
    expect(sent[0].value).toBe(
      `{"id":"evt_1","event":"product.updated","timestamp":"${timestamp}","data":${dataJson}}`,
    );
  });

  it('keys an order event by its order id, not by its event id, also when it arrives without an id', async () => {
    const { intake: http, sent } = intake();
    const data = { ...sampleOf('order.created'), order_id: 'ORD-HTTP-1' };
    const { body: answer } = await http.accept(
      body({ event: 'order.created', timestamp: TIMESTAMP, data }),
      API_KEY,
      undefined,
    );
    expect(sent).toEqual([{ topic: 't1.events.order', key: 'ORD-HTTP-1', value: expect.any(String) }]);
    expect(JSON.parse(sent[0].value)).toMatchObject({ id: answer.id, event: 'order.created' });
  });

  it('answers a repeated Idempotency-Key with the first answer and publishes once', async () => {
    const { intake: http, sent } = intake();
    const request = body({ event: 'order.created', timestamp: TIMESTAMP, data: sampleOf('order.created') });
    const first = await http.accept(request, API_KEY, 'retry-me');
    const second = await http.accept(request, API_KEY, 'retry-me');
    expect(second).toEqual(first);
    expect(first.body.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(sent).toHaveLength(1);
    await expect(
      http.accept(body({ ...JSON.parse(request.toString()), id: 'other' }), API_KEY, 'retry-me'),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('replays the status and body stored for a key, whatever they are', async () => {
    const { intake: http, sent, prisma } = intake();
    const request = body({ event: 'order.created', timestamp: TIMESTAMP, data: sampleOf('order.created') });
    const stored = { id: 'evt_earlier', event: 'order.created', status: 'accepted' };
    await prisma.idempotencyRecord.createMany({
      data: [
        {
          scopeKeyId: API_KEY.id,
          key: 'answered-before',
          requestHash: createHash('sha256').update(request).digest('hex'),
          statusCode: 200,
          responseBody: stored,
        },
      ],
    });
    expect(await http.accept(request, API_KEY, 'answered-before')).toEqual({ status: 200, body: stored });
    expect(sent).toEqual([]);
  });

  it('refuses a system event with forbidden and publishes nothing', async () => {
    const { intake: http, sent } = intake();
    const forged = body({
      event: 'system.subscription_disabled',
      timestamp: TIMESTAMP,
      data: sampleOf('system.subscription_disabled'),
    });
    await expect(http.accept(forged, API_KEY, undefined)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(http.accept(forged, API_KEY, undefined)).rejects.toBeInstanceOf(ProblemError);
    expect(sent).toEqual([]);
  });

  it('answers an invalid event with its problems and publishes nothing', async () => {
    const { intake: http, sent } = intake();
    const invalid = http.accept(
      body({ event: 'order.created', timestamp: 'soon', data: { order_id: 7 } }),
      API_KEY,
      undefined,
    );
    await expect(invalid).rejects.toBeInstanceOf(ValidationProblem);
    await expect(invalid).rejects.toMatchObject({
      problems: expect.arrayContaining([expect.objectContaining({ path: 'timestamp' })]),
    });
    expect(sent).toEqual([]);
  });

  it('answers a body that fits only without its assigned id as invalid, and publishes nothing', async () => {
    const { intake: http, sent } = intake();
    const message = { event: 'user.updated', timestamp: TIMESTAMP, data: { ...sampleOf('user.updated') } };
    const room = MAX_EVENT_BYTES - body({ ...message, data: { ...message.data, pad: '' } }).length;
    const atLimit = body({ ...message, data: { ...message.data, pad: 'x'.repeat(room) } });
    expect(atLimit.length).toBe(MAX_EVENT_BYTES);
    await expect(http.accept(atLimit, API_KEY, undefined)).rejects.toMatchObject({
      code: 'validation_failed',
      problems: [{ path: '', message: expect.stringContaining(`more than the ${MAX_EVENT_BYTES} allowed`) }],
    });
    expect(sent).toEqual([]);
  });
});
