import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { deadLetterCodec, type DeadLetter } from '@smart-dairy/messages';
import { waitFor } from '@smart-dairy/stack';
import {
  TestReceiver,
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  enqueueDeliveries,
  limitMessageBytes,
  type Behaviour,
} from '@smart-dairy/testing';
import { DispatcherFixture, FAST_RETRIES } from './dispatcher-fixture';

jest.setTimeout(180_000);

/** What this suite's dead-letter topic takes, far below the broker's default 1 MiB. */
const TOPIC_LIMIT_BYTES = 64 * 1024;

const status = (code: number): Behaviour => ({ kind: 'status', status: code });

/**
 * The recorder publishes dead letters after writing attempts to Postgres. A message the broker refuses
 * as too large used to fail the whole batch, tried again every second for good: no other dead letter or
 * outcome of the batch was published, and its deliveries' offsets never went.
 */
describe('dead letters the broker refuses as too large', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;
  let letters: TopicReader;

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = new DispatcherFixture('oversized', prisma, {
      ...FAST_RETRIES,
      BREAKER_VOLUME_THRESHOLD: '100000',
      // Dead letters that fail together are written, and published, together.
      RECORD_FLUSH_INTERVAL_MS: '300',
      // A retry due before its previous attempt is written and published would be dropped as a repeat
      // (DeliveryIntake) and come back only after SCHEDULER_CLAIM_TIMEOUT_MS: retries wait longer than that.
      RETRY_SCHEDULE: '2s',
    });
    fixture.kafka = await connectTestKafka(fixture.prefix);
    await limitMessageBytes(fixture.kafka, INTERNAL_TOPICS.deadLetter, TOPIC_LIMIT_BYTES);
    await fixture.start();
    letters = await new TopicReader(fixture.kafka, [INTERNAL_TOPICS.deadLetter]).start();
  });

  afterAll(async () => {
    await letters?.stop();
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  const published = (): DeadLetter[] =>
    letters.messages.flatMap((m) => {
      const decoded = deadLetterCodec.decode(m.value);
      return decoded.ok ? [decoded.value] : [];
    });

  const logged = (message: string, deliveryId: string) =>
    fixture.logs.some((line) => line.includes(`"msg":"${message}"`) && line.includes(deliveryId));

  it('publishes the others, shortens what it can, and logs and counts what it cannot', async () => {
    const gone = await fixture.subscribe(receiver, 'gone', status(404));
    const noisy = await fixture.subscribe(receiver, 'noisy', {
      kind: 'status',
      status: 502,
      body: '\u0001'.repeat(64 * 1024),
    });
    const healthy = await fixture.subscribe(receiver, 'healthy', status(200));
    // Its data alone is larger than the topic takes: no form of its dead letter fits.
    const data = { order_id: 'ORD-LARGE', notes: 'n'.repeat(TOPIC_LIMIT_BYTES) };
    const [tooLarge] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: gone.id,
      count: 1,
      data,
    });
    const small = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: gone.id, count: 5 });
    // Three answers of escaped control characters make its dead letter too large; without them it fits.
    const [shortened] = await enqueueDeliveries(prisma, fixture.kafka, {
      subscriptionId: noisy.id,
      count: 1,
    });
    const fine = await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: healthy.id, count: 5 });

    const expected = [...small.map((t) => t.deliveryId), shortened!.deliveryId];
    await waitFor(
      () => {
        const ids = new Set(published().map((l) => l.deliveryId));
        return expected.every((id) => ids.has(id));
      },
      { timeoutMs: 60_000, description: 'the dead letters that fit, or fit without their attempts' },
    );
    await waitFor(
      () => logged('message refused as too large even when shortened; not published', tooLarge!.deliveryId),
      {
        description: 'the dead letter that cannot be published, logged with its delivery id',
      },
    );

    const byDelivery = new Map(published().map((l) => [l.deliveryId, l]));
    expect(byDelivery.has(tooLarge!.deliveryId)).toBe(false);
    expect(byDelivery.get(small[0]!.deliveryId)?.history).toHaveLength(1);
    expect(byDelivery.get(shortened!.deliveryId)).toMatchObject({ history: [], omittedAttempts: 3 });
    expect(logged('message refused as too large; sending it again shortened', shortened!.deliveryId)).toBe(
      true,
    );

    // Nothing is lost in Postgres: the unpublished dead letter's delivery and attempt are recorded.
    const row = await fixture.settled(tooLarge!.deliveryId);
    expect(row.status).toBe('dead_lettered');
    expect(row.attempts).toHaveLength(1);

    // The recorder goes on: healthy deliveries are delivered, and it is ready.
    for (const task of fine) expect((await fixture.settled(task.deliveryId)).status).toBe('delivered');
    const ready = await fetch(`${fixture.service.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { recorder: { ok: true } } });
    const metrics = await (await fetch(`${fixture.service.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^dispatcher_unpublishable_messages_total\{topic="deliveries\.dead-letter"[^}]*\} 1$/m,
    );
    expect(metrics).toMatch(/^dispatcher_record_failures_total\{[^}]*\} 0$/m);
  });
});
