import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import {
  DEAD_LETTER_MAX_BYTES,
  DEAD_LETTER_RESPONSE_BODY_BYTES,
  deadLetterCodec,
} from '@smart-dairy/messages';
import { waitFor, type ServiceName, type ServiceProcess } from '@smart-dairy/stack';
import {
  TestReceiver,
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  createSubscriptionRow,
  enqueueDeliveries,
  startTestService,
  uniquePrefix,
  type Behaviour,
} from '@smart-dairy/testing';
import { apiClient, createApiKeys, entryIdOf } from './support';

jest.setTimeout(300_000);

const ATTEMPTS_PER_RUN = 11;
const REPLAYS = 5;
const TOTAL_ATTEMPTS = ATTEMPTS_PER_RUN * (REPLAYS + 1);
/** A partner answering 64 KiB of control characters, which cost six bytes each once JSON-escaped. */
const CONTROL_CHARACTERS: Behaviour = { kind: 'status', status: 502, body: '\u0001'.repeat(64 * 1024) };

interface AttemptView {
  attempt: number;
  response_body: string | null;
  response_body_truncated: boolean;
}

/**
 * Issue #17: a dead letter used to carry every attempt ever made, so a large event whose endpoint answers
 * control characters outgrew the broker's 1 MiB after a few replays, and the recorder then retried its
 * whole batch forever: offsets stopped, and every other delivery with them.
 */
describe('a large delivery replayed again and again while its endpoint answers control characters', () => {
  const prefix = uniquePrefix('bounded');
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let letters: TopicReader;
  let dispatcher: ServiceProcess;
  let call: ReturnType<typeof apiClient>;
  let keys: Record<'admin' | 'read', string>;
  const services: ServiceProcess[] = [];
  const subscriptions: string[] = [];

  async function start(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
    const service = await startTestService(name, prefix, env);
    services.push(service);
    return service;
  }

  async function partner(path: string, behaviour: Behaviour) {
    const sub = await createSubscriptionRow(prisma, { events: ['order.created'], url: receiver.url(path) });
    receiver.endpoint(path, sub.secret, behaviour);
    subscriptions.push(sub.id);
    return sub;
  }

  beforeAll(async () => {
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    keys = await createApiKeys(prisma, 'bounded-dead-letters');
    letters = await new TopicReader(kafka, [INTERNAL_TOPICS.deadLetter]).start();
    const [started, review] = await Promise.all([
      start('dispatcher', {
        // Longer than writing and publishing an attempt takes under load: a retry due before that would be
        // dropped as a repeat (DeliveryIntake) and come back only after SCHEDULER_CLAIM_TIMEOUT_MS.
        RETRY_SCHEDULE: '400ms',
        RETRY_MAX_ATTEMPTS: String(ATTEMPTS_PER_RUN),
        SCHEDULER_INTERVAL_MS: '100',
        // About the recorder, not the breakers: 66 failures in a row must not open one.
        BREAKER_VOLUME_THRESHOLD: '100000',
        // Deliveries finish when their attempt is written: a recorder that cannot write stops intake within
        // seconds, and the other deliveries stop arriving.
        PROCESS_MAX_IN_FLIGHT: '20',
        PARTITION_MAX_IN_FLIGHT: '20',
      }),
      start('dlq-review'),
    ]);
    dispatcher = started!;
    call = apiClient(review!.url);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    // The database is shared: leave nothing another suite's ingestion could match (it makes waiting
    // deliveries for a disabled subscription).
    await prisma?.subscription.updateMany({
      where: { id: { in: subscriptions } },
      data: { deletedAt: new Date() },
    });
    await letters?.stop();
    await receiver?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  it('keeps the dead letter within bounds and in review, while other deliveries keep arriving', async () => {
    const failing = await partner('control-characters', CONTROL_CHARACTERS);
    const healthy = await partner('healthy', { kind: 'status', status: 200 });
    // Near the 256 KiB an event may have: eleven escaped answers beside it exceed the dead letter's budget.
    const data = { order_id: 'ORD-LARGE', notes: 'n'.repeat(250 * 1024) };
    const [task] = await enqueueDeliveries(prisma, kafka, { subscriptionId: failing.id, count: 1, data });
    const deliveryId = task!.deliveryId;

    // Other deliveries all along, and the dispatcher's readiness, until the last replay has failed.
    const steady: string[] = [];
    const readiness: number[] = [];
    let running = true;
    const feeding = (async () => {
      while (running) {
        const [next] = await enqueueDeliveries(prisma, kafka, { subscriptionId: healthy.id, count: 1 });
        steady.push(next!.deliveryId);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const polling = (async () => {
      while (running) {
        readiness.push((await fetch(`${dispatcher.url}/ready`)).status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const arrivedSoFar = (description: string) => {
      const owed = [...steady];
      return waitFor(
        () => {
          const arrived = new Set(receiver.hits('healthy').map((hit) => hit.deliveryId));
          return owed.every((id) => arrived.has(id));
        },
        { timeoutMs: 30_000, intervalMs: 200, description },
      );
    };

    const entryOf = () => prisma.deadLetterEntry.findUnique({ where: { deliveryId } });
    let entry = await waitFor(entryOf, { timeoutMs: 60_000, description: 'the first dead letter in review' });
    await arrivedSoFar('the other deliveries during the first run');
    for (let replay = 1; replay <= REPLAYS; replay += 1) {
      const before = entry.movedAt;
      const answer = await call(keys.admin, `/v1/dlq/${entryIdOf(deliveryId)}/replay`, { method: 'POST' });
      expect(answer.status).toBe(202);
      entry = await waitFor(
        async () => {
          const current = await entryOf();
          return current?.reviewStatus === 'pending' && current.movedAt > before && current;
        },
        { timeoutMs: 60_000, description: `the dead letter after replay ${replay}` },
      );
      await arrivedSoFar(`the other deliveries during replay ${replay}`);
    }
    running = false;
    await Promise.all([feeding, polling]);
    await arrivedSoFar('the other deliveries, all of them');

    expect(await prisma.deliveryAttempt.count({ where: { deliveryId } })).toBe(TOTAL_ATTEMPTS);
    expect(readiness.length).toBeGreaterThan(10);
    expect(readiness.filter((status) => status !== 200)).toEqual([]);

    // One dead letter per run, each within the budget, the first already short of one attempt or more.
    const runs = letters.messages.flatMap((message) => {
      const decoded = deadLetterCodec.decode(message.value);
      return decoded.ok && decoded.value.deliveryId === deliveryId
        ? [{ letter: decoded.value, bytes: message.value?.length ?? 0 }]
        : [];
    });
    expect(runs).toHaveLength(REPLAYS + 1);
    for (const [run, { letter, bytes }] of runs.entries()) {
      expect(bytes).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
      const made = ATTEMPTS_PER_RUN * (run + 1);
      expect(letter.history.at(-1)?.attempt).toBe(made);
      expect(letter.history.length + (letter.omittedAttempts ?? 0)).toBe(made);
    }
    expect(runs[0]!.letter.history.length).toBeLessThan(ATTEMPTS_PER_RUN);

    // The entry is there, with its latest attempts, and says the history is shortened.
    const { status, body } = await call<{
      review_status: string;
      replay_count: number;
      history_shortened: boolean;
      omitted_attempts: number;
      history: AttemptView[];
    }>(keys.read, `/v1/dlq/${entryIdOf(deliveryId)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ review_status: 'pending', replay_count: REPLAYS, history_shortened: true });
    const kept = body.history.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(ATTEMPTS_PER_RUN);
    expect(body.omitted_attempts).toBe(TOTAL_ATTEMPTS - kept);
    expect(body.history.map((a) => a.attempt)).toEqual(
      Array.from({ length: kept }, (_, i) => TOTAL_ATTEMPTS - kept + 1 + i),
    );
    for (const attempt of body.history) {
      expect(attempt.response_body_truncated).toBe(true);
      expect(attempt.response_body).toBe('\u0001'.repeat(DEAD_LETTER_RESPONSE_BODY_BYTES));
    }

    const metrics = await (await fetch(`${dispatcher.url}/metrics`)).text();
    expect(metrics).toMatch(/^dispatcher_dead_letters_shortened_total\{[^}]*\} 6$/m);
    expect(metrics).toMatch(/^dispatcher_record_failures_total\{[^}]*\} 0$/m);
  });
});
