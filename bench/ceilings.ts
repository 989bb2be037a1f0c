import type { KafkaClient } from '@smart-dairy/kafka';
import { deliveryTaskCodec } from '@smart-dairy/messages';
import { deliveryIdFor } from '@smart-dairy/schemas';
import { generateSecret } from '@smart-dairy/signing';
import { repoRoot } from '@smart-dairy/stack';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastReceiver } from './fast-receiver.ts';
import { BENCH_EVENT_TYPE } from './payload.ts';
import type { CeilingEndpoint } from './signed-delivery.ts';
import { summarizeRate, type RateSummary } from './stats.ts';
import type { SenderResult, SenderSettings } from './undici-sender.ts';

/** Whatever the partition count, one partition's share of a request stays under the broker's 1 MiB limit. */
const PRODUCE_BATCH = 500;

export interface UndiciCeiling {
  /** Verified requests per second at the receiver. */
  rate: RateSummary;
  sender: SenderResult;
  rejected: number;
}

export interface KafkaCeiling {
  messages: number;
  messageBytes: number;
  producePerSecond: number;
  consumePerSecond: number;
  /** Messages over produce time plus consume time: what one message costs the broker and kafkajs. */
  producedThenConsumedPerSecond: number;
}

/** Signed POSTs from a separate process straight to the receiver: the HTTP side of the platform, nothing else. */
export async function undiciCeiling(
  receiver: FastReceiver,
  options: { endpoints: number; concurrency: number; durationMs: number; maxRequests: number; tag: string },
): Promise<UndiciCeiling> {
  const endpoints: CeilingEndpoint[] = Array.from({ length: options.endpoints }, (_, i) => {
    const secret = generateSecret();
    const url = receiver.endpoint(`${options.tag}/ceiling-${i}`, secret);
    return { url, secret, subscriptionId: `wh_sub_ceiling${i}` };
  });
  const before = receiver.rejected.length;
  const settings: SenderSettings = { ...options, endpoints };
  const sender = await runSender(settings, options.durationMs + 60_000);
  const times = endpoints.flatMap((_, i) =>
    receiver.receipts(`${options.tag}/ceiling-${i}`).map((r) => r.at),
  );
  return { rate: summarizeRate(times), sender, rejected: receiver.rejected.length - before };
}

function runSender(settings: SenderSettings, timeoutMs: number): Promise<SenderResult> {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
      '--import',
      join(repoRoot, 'bench', 'dist-aliases.ts'),
      join(repoRoot, 'bench', 'undici-sender.ts'),
    ],
    { cwd: repoRoot, env: { ...process.env, BENCH_SENDER: JSON.stringify(settings) } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as SenderResult);
      else reject(new Error(`undici sender exited with ${code}: ${err}`));
    });
  });
}

/**
 * The same delivery tasks ingestion writes (same size, keyed by subscription), produced with the
 * platform's idempotent producer in ingestion-sized requests, then read back by a consumer group.
 */
export async function kafkaCeiling(
  kafka: KafkaClient,
  options: { messages: number; partitions: number; keys: number; tag: string },
): Promise<KafkaCeiling> {
  const topic = `${kafka.settings.topicPrefix}bench.ceiling-${options.tag}`;
  const admin = kafka.kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: options.partitions }] });
  await admin.disconnect();

  // One encoded task per key, reused: the ceiling is Kafka's cost per message, not JSON encoding's.
  const values = Array.from({ length: options.keys }, (_, k) => {
    const eventId = `evt_ceiling_${options.tag}_${k}`;
    const subscriptionId = `wh_sub_ceiling${k}`;
    return {
      key: subscriptionId,
      value: deliveryTaskCodec.encode({
        deliveryId: deliveryIdFor({ type: BENCH_EVENT_TYPE, id: eventId }, subscriptionId),
        subscriptionId,
        priority: 'high',
      }),
    };
  });

  const produceStart = performance.now();
  for (let sent = 0; sent < options.messages; sent += PRODUCE_BATCH) {
    const count = Math.min(PRODUCE_BATCH, options.messages - sent);
    await kafka.producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => cycle(values, sent + i)),
    });
  }
  const produceMs = performance.now() - produceStart;

  // From the first message on: joining the group is not part of the per-message cost.
  let consumeStart = 0;
  let consumed = 0;
  const consumer = kafka.kafka.consumer({ groupId: `bench-ceiling-${options.tag}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (consumed === 0) consumeStart = performance.now();
        consumed += batch.messages.length;
        if (consumed >= options.messages) resolve();
      },
    });
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`kafka ceiling: ${consumed} of ${options.messages} consumed`)),
      300_000,
    ).unref(),
  );
  await Promise.race([done, timeout]);
  const consumeMs = performance.now() - consumeStart;
  await consumer.disconnect();

  const perSecond = (ms: number) => Math.round((options.messages * 1000) / ms);
  return {
    messages: options.messages,
    messageBytes: values[0]?.value.length ?? 0,
    producePerSecond: perSecond(produceMs),
    consumePerSecond: perSecond(consumeMs),
    producedThenConsumedPerSecond: perSecond(produceMs + consumeMs),
  };
}

function cycle<T>(list: readonly T[], n: number): T {
  const item = list[n % list.length];
  if (item === undefined) throw new RangeError('cycle over an empty list');
  return item;
}
