import { TEST_PARTITIONS, connectTestPrisma, uniquePrefix } from '@smart-dairy/testing';
import {
  SMOKE_SERVICE_ENV,
  SMOKE_VOLUMES,
  failed,
  runBench,
  type BenchRun,
  type Outcome,
} from './run-bench.ts';

/** The result, or a failure that shows the scenario's error instead of a missing property. */
function succeeded<T extends object>(outcome: Outcome<T>): T {
  expect(failed(outcome) ? outcome.error : 'ran').toBe('ran');
  return outcome as T;
}

// `npm run bench` at a few seconds per scenario, on the test broker and a database of its own, so the
// harness cannot rot. It asserts correctness only: every delivery arrives, verified; never speed.
describe('bench:smoke', () => {
  let run: BenchRun;
  const { subscriptions, s1, s3 } = SMOKE_VOLUMES;

  beforeAll(async () => {
    const prisma = await connectTestPrisma();
    await prisma.$disconnect();
    run = await runBench(
      {
        brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        databaseUrl: process.env.DATABASE_URL as string,
        topicPrefix: uniquePrefix('bench'),
        env: {
          ...SMOKE_SERVICE_ENV,
          KAFKA_EVENT_PARTITIONS: String(TEST_PARTITIONS.events),
          KAFKA_DELIVERY_PARTITIONS: String(TEST_PARTITIONS.deliveries),
          KAFKA_INTERNAL_PARTITIONS: String(TEST_PARTITIONS.internal),
        },
      },
      SMOKE_VOLUMES,
      // S1 as `--ordered` runs it, so that path of the harness is exercised too.
      { budgetMs: 200_000, log: () => undefined, ordered: true },
    );
  }, 300_000);

  it('verified the signature of every request the receiver got', () => {
    expect(run.rejected).toEqual([]);
  });

  it('measured both ceilings', () => {
    const undici = succeeded(run.ceilings.undici);
    expect(undici.sender.failed).toBe(0);
    expect(undici.rate.count).toBe(undici.sender.sent);
    expect(succeeded(run.ceilings.kafka).messages).toBe(SMOKE_VOLUMES.ceilings.kafkaMessages);
  });

  it('S1: every delivery arrived and was persisted with its attempt', () => {
    const result = succeeded(run.s1);
    expect(result.delivered).toBe(s1.events * subscriptions);
    expect(result.persisted).toMatchObject({ complete: true, withSuccessfulAttempt: result.delivered });
    expect(Object.keys(result.resources)).toEqual(expect.arrayContaining(['ingestion', 'dispatcher']));
    expect(result.ordering?.ordered.delivered).toBe(s1.events);
    expect(result.ordering?.unordered.delivered).toBe(s1.events * (subscriptions - 1));
  });

  it('S2: every paced delivery arrived', () => {
    const result = succeeded(run.s2);
    expect(result.expected).toBeGreaterThan(0);
    expect(result.delivered).toBe(result.expected);
  });

  it('purge: S2 ran without and with due rows, which the retention sweeps then deleted', () => {
    const result = succeeded(run.purge);
    expect(result.runs.map((r) => r.purging)).toEqual([false, true]);
    for (const r of result.runs) expect(r.delivered).toBe(r.expected);
    expect(result.runs[1]?.dueAtStart).toBe(SMOKE_VOLUMES.purge.rows);
    expect(result.leftAfterDrain).toBe(0);
    expect(result.p99Purging).toBeGreaterThan(0);
  });

  it('S3: the nine healthy endpoints got everything while one never answered', () => {
    const result = succeeded(run.s3);
    expect(result.healthy.delivered).toBe(s3.events * (subscriptions - 1));
    expect(result.stuckEndpointRequests).toBeGreaterThan(0);
  });

  it('S4: every delivery arrived after the outage, the failing endpoint included', () => {
    const result = succeeded(run.s4);
    expect(result).toMatchObject({ everyDelivered: true, missing: 0 });
    expect(result.persisted.delivered).toBe(result.persisted.deliveries);
  });
});
