import { KafkaClient } from '@smart-dairy/kafka';
import type { FilterDocument } from '@smart-dairy/payload-filter';
import { EventPublisher } from '@smart-dairy/producer';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { BenchStack, type StackOptions } from './bench-stack.ts';
import { kafkaCeiling, undiciCeiling, type KafkaCeiling, type UndiciCeiling } from './ceilings.ts';
import { DeliveryRecords } from './delivery-records.ts';
import { EventLoad } from './event-load.ts';
import { FastReceiver } from './fast-receiver.ts';
import { purgeImpact, type PurgeImpactResult, type PurgeVolumes } from './purge-impact.ts';
import { PurgeLoad } from './purge-load.ts';
import {
  isolation,
  recovery,
  steadyLatency,
  throughput,
  type IsolationResult,
  type LatencyResult,
  type RecoveryResult,
  type ScenarioContext,
  type ThroughputResult,
} from './scenarios.ts';
import { SubscriptionsApi } from './subscriptions-api.ts';

export interface BenchVolumes {
  subscriptions: number;
  ceilings: { undiciDurationMs: number; undiciMaxRequests: number; kafkaMessages: number };
  s1: { events: number; timeoutMs: number };
  s2: { deliveriesPerSecond: number; durationMs: number };
  purge: PurgeVolumes;
  s3: { events: number; timeoutMs: number };
  s4: { eventsPerSecond: number; outageMs: number; drainTimeoutMs: number };
}

/** The scenarios as written. */
export const FULL_VOLUMES: BenchVolumes = {
  subscriptions: 10,
  ceilings: { undiciDurationMs: 10_000, undiciMaxRequests: 200_000, kafkaMessages: 200_000 },
  s1: { events: 20_000, timeoutMs: 240_000 },
  s2: { deliveriesPerSecond: 1_000, durationMs: 60_000 },
  purge: { rows: 1_000_000, runs: 3, drainTimeoutMs: 300_000 },
  s3: { events: 20_000, timeoutMs: 240_000 },
  s4: { eventsPerSecond: 100, outageMs: 120_000, drainTimeoutMs: 330_000 },
};

/** A few seconds per scenario: enough to prove every delivery arrives verified, not to measure. */
export const SMOKE_VOLUMES: BenchVolumes = {
  subscriptions: 10,
  ceilings: { undiciDurationMs: 1_000, undiciMaxRequests: 2_000, kafkaMessages: 2_000 },
  s1: { events: 100, timeoutMs: 60_000 },
  s2: { deliveriesPerSecond: 200, durationMs: 3_000 },
  purge: { rows: 2_000, runs: 1, drainTimeoutMs: 60_000 },
  s3: { events: 100, timeoutMs: 60_000 },
  s4: { eventsPerSecond: 5, outageMs: 3_000, drainTimeoutMs: 60_000 },
};

/** Waits the smoke run shortens; the full run keeps every production default. */
export const SMOKE_SERVICE_ENV: NodeJS.ProcessEnv = {
  BREAKER_RESET_TIMEOUT_MS: '1000',
  RETRY_SCHEDULE: '1s',
  SCHEDULER_INTERVAL_MS: '200',
  DELIVERY_TIMEOUT_MS: '2000',
};

export type Outcome<T> = T | { error: string };

export const PARTS = ['ceilings', 's1', 's2', 'purge', 's3', 's4'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchRun {
  ceilings: { undici: Outcome<UndiciCeiling>; kafka: Outcome<KafkaCeiling> };
  s1: Outcome<ThroughputResult>;
  s2: Outcome<LatencyResult>;
  purge: Outcome<PurgeImpactResult>;
  s3: Outcome<IsolationResult>;
  s4: Outcome<RecoveryResult>;
  /** Requests the receiver refused (bad signature, unknown path): must be none. */
  rejected: { path: string; reason: string }[];
  serviceLogTail: string[];
}

const DELIVERY_PARTITIONS_DEFAULT = 12;

/**
 * Everything between a prepared broker and database and the results: the receiver, the four
 * services, the ceilings and the scenarios. A scenario that fails is recorded as such and the
 * others still run. S3 runs last: its never-answering endpoint leaves deliveries in retry.
 */
export async function runBench(
  stackOptions: StackOptions,
  volumes: BenchVolumes,
  {
    budgetMs,
    log,
    otherProcesses = {},
    only,
    ordered = false,
    filter,
    onCleanup,
  }: {
    budgetMs: number;
    log: (message: string) => void;
    /** More processes whose resources S1 reports, e.g. the broker. */
    otherProcesses?: Record<string, number>;
    /** Runs only these parts (a profile run of S1, say); all when absent. */
    only?: readonly Part[];
    /** S1's first subscription ordered per key (`--ordered`). */
    ordered?: boolean;
    /** A payload filter on every subscription of every scenario (`--filters`). */
    filter?: FilterDocument;
    /** Receives what stops the receiver and the services, for a run interrupted by a signal. */
    onCleanup?: (cleanup: () => Promise<void>) => void;
  },
): Promise<BenchRun> {
  const deadline = performance.now() + budgetMs;
  const runTag = `b${Date.now().toString(36)}`;
  const receiver = await new FastReceiver({ uncounted: EventLoad.isProbe }).start();
  const stack = new BenchStack(stackOptions);
  const kafka = new KafkaClient(
    {
      brokers: stackOptions.brokers.split(','),
      clientId: 'bench',
      topicPrefix: stackOptions.topicPrefix,
      partitions: { events: 1, deliveries: 1, internal: 1 },
      replicationFactor: 1,
      security: stackOptions.security,
    },
    pino({ level: 'warn' }),
  );
  const records = new DeliveryRecords(stackOptions.databaseUrl);
  const purgeLoad = new PurgeLoad(stackOptions.databaseUrl, runTag);
  const publisher = EventPublisher.fromKafka(kafka);
  onCleanup?.(async () => {
    await receiver.stop();
    await stack.stop();
  });
  try {
    log('starting the services');
    await stack.start();
    await kafka.connect();
    await records.connect();
    await purgeLoad.connect();
    const ctx: ScenarioContext = {
      receiver,
      api: new SubscriptionsApi(stack.service('subscriptions').url, stack.adminKey),
      publisher,
      records,
      metricsUrls: () => stack.metricsUrls(),
      pids: () => ({ ...stack.pids(), ...otherProcesses, 'bench (receiver, publisher)': process.pid }),
      runTag,
      subscriptions: volumes.subscriptions,
      filter,
      deliveryPartitions: Number(stack.env().KAFKA_DELIVERY_PARTITIONS ?? DELIVERY_PARTITIONS_DEFAULT),
      deadline,
      ordered,
      log,
    };
    const { ceilings: c } = volumes;
    const part = <T>(name: Part, run: () => Promise<T>): Promise<Outcome<T>> =>
      only && !only.includes(name) ? Promise.resolve({ error: 'not run (--only)' }) : attempt(run);
    log('ceiling: undici');
    const undici = await part('ceilings', () =>
      undiciCeiling(receiver, {
        endpoints: volumes.subscriptions,
        concurrency: Number(stack.env().ENDPOINT_CONCURRENCY ?? 10),
        durationMs: c.undiciDurationMs,
        maxRequests: c.undiciMaxRequests,
        tag: runTag,
      }),
    );
    log('ceiling: kafkajs');
    const kafkaResult = await part('ceilings', () =>
      kafkaCeiling(kafka, {
        messages: c.kafkaMessages,
        partitions: ctx.deliveryPartitions,
        keys: volumes.subscriptions,
        tag: runTag,
      }),
    );
    const s1 = await part('s1', () => throughput(ctx, volumes.s1));
    const s2 = await part('s2', () => steadyLatency(ctx, volumes.s2));
    const purge = await part('purge', () => purgeImpact(ctx, purgeLoad, volumes.purge, volumes.s2));
    const s4 = await part('s4', () => recovery(ctx, volumes.s4));
    const s3 = await part('s3', () => isolation(ctx, volumes.s3));
    return {
      ceilings: { undici, kafka: kafkaResult },
      s1,
      s2,
      purge,
      s3,
      s4,
      rejected: receiver.rejected,
      serviceLogTail: stack.logTail,
    };
  } finally {
    const stopping = performance.now();
    await receiver.stop();
    await stack.stop();
    await publisher.close();
    await kafka.disconnect();
    await records.close().catch(() => undefined);
    await purgeLoad.close().catch(() => undefined);
    log(`stack stopped in ${Math.round(performance.now() - stopping)} ms`);
  }
}

async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return await run();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function failed<T extends object>(outcome: Outcome<T>): outcome is { error: string } {
  return 'error' in outcome;
}
