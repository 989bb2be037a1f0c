import type { FilterDocument } from '@smart-dairy/payload-filter';
import type { EventPublisher } from '@smart-dairy/producer';
import { waitFor } from '@smart-dairy/stack';
import { Partitioners } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import type { AttemptLatency, DeliveryRecords, PersistedCounts } from './delivery-records.ts';
import { EventLoad } from './event-load.ts';
import type { FastReceiver, Receipt } from './fast-receiver.ts';
import { BENCH_EVENT_TYPE } from './payload.ts';
import { ResourceSampler, type ProcessUsage } from './resources.ts';
import { summarizeLatencies, summarizeRate, type LatencySummary, type RateSummary } from './stats.ts';
import type { SubscriptionsApi } from './subscriptions-api.ts';

export interface ScenarioContext {
  receiver: FastReceiver;
  api: SubscriptionsApi;
  publisher: EventPublisher;
  records: DeliveryRecords;
  /** Processes whose resources S1 reports, by name. */
  pids: () => Record<string, number>;
  /** The services' /metrics, for their V8 heap sizes. */
  metricsUrls: () => Record<string, string>;
  runTag: string;
  subscriptions: number;
  /** The payload filter every subscription gets (`--filters`); none when absent. */
  filter?: FilterDocument;
  /** Partitions of each deliveries.<priority> topic, to tell which endpoints share one. */
  deliveryPartitions: number;
  /** performance.now() by which every wait gives up, so the whole run stays within its budget. */
  deadline: number;
  /** S1 with its first subscription ordered per key (`--ordered`). */
  ordered: boolean;
  log: (message: string) => void;
}

interface Endpoints {
  paths: string[];
  subscriptionIds: string[];
}

/** What the receiver got for some endpoints, against what was published. */
export interface Tally {
  expected: number;
  delivered: number;
  /** Verified requests beyond the first of their delivery (the same X-Webhook-ID sent again). */
  repeated: number;
  /** Publish to first verified 2xx receipt, ms. */
  latency: LatencySummary;
  rate: RateSummary;
}

const WARM_UP_TIMEOUT_MS = 60_000;
const PERSIST_TIMEOUT_MS = 120_000;

/** The scenario's subscriptions; the first `ordered` of them with per_key ordering. */
async function subscribe(
  ctx: ScenarioContext,
  scenario: string,
  count: number,
  ordered: number,
): Promise<Endpoints> {
  const paths = Array.from({ length: count }, (_, i) => `${ctx.runTag}/${scenario}/e${i}`);
  const subscriptionIds: string[] = [];
  for (const [i, path] of paths.entries()) {
    const ordering = i < ordered ? 'per_key' : 'none';
    const created = await ctx.api.create(ctx.receiver.url(path), [BENCH_EVENT_TYPE], {
      ordering,
      filter: ctx.filter,
    });
    ctx.receiver.endpoint(path, created.secret);
    subscriptionIds.push(created.id);
  }
  return { paths, subscriptionIds };
}

/**
 * A scenario's ten subscriptions, and probes until every endpoint got one: ingestion knows the
 * subscriptions and the connections are open before anything is measured.
 */
async function prepare(
  ctx: ScenarioContext,
  scenario: string,
  ordered = 0,
): Promise<{ endpoints: Endpoints; load: EventLoad }> {
  const endpoints = await subscribe(ctx, scenario, ctx.subscriptions, ordered);
  const load = new EventLoad(ctx.publisher, `${ctx.runTag}-${scenario}`);
  const { paths } = endpoints;
  await load.probeUntil(() => paths.every((p) => ctx.receiver.receipts(p).length > 0), WARM_UP_TIMEOUT_MS);
  return { endpoints, load };
}

async function unsubscribe(ctx: ScenarioContext, { subscriptionIds }: Endpoints): Promise<void> {
  for (const id of subscriptionIds) await ctx.api.remove(id);
}

/** Waits (bounded) until each endpoint has every published event; returns whether it happened. */
async function allDelivered(
  ctx: ScenarioContext,
  paths: readonly string[],
  events: number,
  timeoutMs: number,
): Promise<boolean> {
  try {
    await waitFor(() => paths.every((p) => ctx.receiver.delivered(p).size >= events), {
      timeoutMs: withinBudget(ctx, timeoutMs),
      intervalMs: 100,
      description: 'every delivery',
    });
    return true;
  } catch {
    return false;
  }
}

function withinBudget(ctx: ScenarioContext, timeoutMs: number): number {
  return Math.max(0, Math.min(timeoutMs, ctx.deadline - performance.now()));
}

function tally(ctx: ScenarioContext, paths: readonly string[], load: EventLoad): Tally {
  const receipts: Receipt[] = paths.flatMap((p) => [...ctx.receiver.delivered(p).values()]);
  const latencies = receipts.map((r) => r.at - (load.publishedAt.get(r.eventKey) ?? Number.NaN));
  return {
    expected: load.publishedAt.size * paths.length,
    delivered: receipts.length,
    repeated: paths.reduce((sum, p) => {
      const all = ctx.receiver.receipts(p);
      return sum + all.length - new Set(all.map((r) => r.deliveryId)).size;
    }, 0),
    latency: summarizeLatencies(latencies),
    rate: summarizeRate(receipts.map((r) => r.at)),
  };
}

/** Waits (bounded) until Postgres shows every delivery delivered with its successful attempt. */
async function persisted(ctx: ScenarioContext, ids: readonly string[], expected: number) {
  const started = performance.now();
  let counts: PersistedCounts = { deliveries: 0, delivered: 0, withSuccessfulAttempt: 0 };
  const deadline = started + withinBudget(ctx, PERSIST_TIMEOUT_MS);
  while (performance.now() < deadline) {
    counts = await ctx.records.persisted(ids);
    if (counts.withSuccessfulAttempt >= expected) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { counts, complete: counts.withSuccessfulAttempt >= expected, at: performance.now() };
}

export interface ThroughputResult extends Tally {
  events: number;
  subscriptions: number;
  /**
   * With `--ordered`: the ordered subscription's own figures, and the nine others' (each event has a key
   * of its own, its order id, as in S1 without it).
   */
  ordering?: { ordered: Tally; unordered: Tally };
  persisted: PersistedCounts & { complete: boolean; afterLastReceiptMs: number };
  /** First publish to the last delivery persisted. */
  endToEndPerSecond: number;
  publishMs: number;
  attemptLatencyMs: AttemptLatency;
  resources: Record<string, ProcessUsage>;
}

/** S1: N events to ten subscriptions, published at once; deliveries per second at the receiver. */
export async function throughput(
  ctx: ScenarioContext,
  { events, timeoutMs }: { events: number; timeoutMs: number },
): Promise<ThroughputResult> {
  const { endpoints, load } = await prepare(ctx, 's1', ctx.ordered ? 1 : 0);
  ctx.log(
    `S1: publishing ${events} events to ${ctx.subscriptions} subscriptions` +
      (ctx.ordered ? ', the first one ordered per key' : ''),
  );
  const sampler = new ResourceSampler(ctx.pids(), ctx.metricsUrls()).start();
  const started = performance.now();
  await load.burst(events);
  const publishMs = performance.now() - started;
  await allDelivered(ctx, endpoints.paths, events, timeoutMs);
  const result = tally(ctx, endpoints.paths, load);
  const [orderedPath, ...unorderedPaths] = endpoints.paths as [string, ...string[]];
  const ordering = ctx.ordered
    ? { ordered: tally(ctx, [orderedPath], load), unordered: tally(ctx, unorderedPaths, load) }
    : undefined;
  const lastReceipt = latestReceipt(ctx, endpoints.paths);
  const stored = await persisted(ctx, endpoints.subscriptionIds, result.expected);
  const resources = sampler.stop();
  const attemptLatencyMs = await ctx.records.attemptLatency(endpoints.subscriptionIds);
  await unsubscribe(ctx, endpoints);
  return {
    ...result,
    events,
    subscriptions: ctx.subscriptions,
    ...(ordering && { ordering }),
    persisted: {
      ...stored.counts,
      complete: stored.complete,
      afterLastReceiptMs: Math.round(stored.at - lastReceipt),
    },
    endToEndPerSecond: Math.round((stored.counts.withSuccessfulAttempt * 1000) / (stored.at - started)),
    publishMs: Math.round(publishMs),
    attemptLatencyMs,
    resources,
  };
}

function latestReceipt(ctx: ScenarioContext, paths: readonly string[]): number {
  let latest = 0;
  for (const p of paths) for (const r of ctx.receiver.delivered(p).values()) latest = Math.max(latest, r.at);
  return latest;
}

export interface LatencyResult extends Tally {
  deliveriesPerSecond: number;
  durationMs: number;
}

/**
 * S2: a steady rate of deliveries for a while; latency from publish to verified receipt. Each run needs a
 * scenario name of its own (`s2` by default): it names the run's endpoints and events.
 */
export async function steadyLatency(
  ctx: ScenarioContext,
  { deliveriesPerSecond, durationMs }: { deliveriesPerSecond: number; durationMs: number },
  scenario = 's2',
): Promise<LatencyResult> {
  const { endpoints, load } = await prepare(ctx, scenario);
  ctx.log(`S2: ${deliveriesPerSecond} deliveries/s for ${durationMs / 1000} s`);
  await load.paced(deliveriesPerSecond / ctx.subscriptions, durationMs);
  await allDelivered(ctx, endpoints.paths, load.publishedAt.size, 60_000);
  const result = tally(ctx, endpoints.paths, load);
  await unsubscribe(ctx, endpoints);
  return { ...result, deliveriesPerSecond, durationMs };
}

export interface IsolationResult {
  healthy: Tally & { attemptLatencyMs: AttemptLatency };
  /** Requests the never-answering endpoint received (each held until the dispatcher's timeout). */
  stuckEndpointRequests: number;
  /** Healthy endpoints whose tasks share a delivery-topic partition with the stuck one's. */
  sharingPartition: number;
  events: number;
}

/** S3: S1 with one endpoint that never answers; how the nine others fare. */
export async function isolation(
  ctx: ScenarioContext,
  { events, timeoutMs }: { events: number; timeoutMs: number },
): Promise<IsolationResult> {
  const { endpoints, load } = await prepare(ctx, 's3');
  const partition = (id: string) => deliveryPartition(id, ctx.deliveryPartitions);
  // The hung endpoint shares its partition with a healthy one whenever two subscriptions share one:
  // the case isolation has to hold in, and the same in every run rather than when the ids fall so.
  const partitions = endpoints.subscriptionIds.map(partition);
  const stuckAt = Math.max(
    0,
    partitions.findIndex((p) => partitions.filter((q) => q === p).length > 1),
  );
  const stuck = endpoints.paths[stuckAt] as string;
  const stuckId = endpoints.subscriptionIds[stuckAt] as string;
  const healthy = endpoints.paths.filter((_, i) => i !== stuckAt);
  const healthyIds = endpoints.subscriptionIds.filter((_, i) => i !== stuckAt);
  ctx.receiver.answer(stuck, 'hang');
  const before = ctx.receiver.receipts(stuck).length;
  ctx.log(`S3: publishing ${events} events, one endpoint never answers`);
  await load.burst(events);
  await allDelivered(ctx, healthy, events, timeoutMs);
  const result = tally(ctx, healthy, load);
  await persisted(ctx, healthyIds, result.expected);
  const attemptLatencyMs = await ctx.records.attemptLatency(healthyIds);
  const stuckEndpointRequests = ctx.receiver.receipts(stuck).length - before;
  await unsubscribe(ctx, endpoints);
  const sharingPartition = healthyIds.filter((id) => partition(id) === partition(stuckId)).length;
  return { healthy: { ...result, attemptLatencyMs }, stuckEndpointRequests, sharingPartition, events };
}

/** Where ingestion's producer puts a subscription's tasks: kafkajs's default partitioner on the key. */
function deliveryPartition(subscriptionId: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return Partitioners.DefaultPartitioner()({
    topic: '',
    partitionMetadata,
    message: { key: subscriptionId, value: null },
  });
}

export interface RecoveryResult {
  events: number;
  outageMs: number;
  /** Deliveries the failing endpoint was owed by the end of the outage. */
  owedDuringOutage: number;
  /** Requests it received while answering 503: the breaker should keep this low. */
  requestsDuringOutage: number;
  /** From recovery to its last missing delivery arriving. */
  drainMs: number;
  everyDelivered: boolean;
  missing: number;
  persisted: PersistedCounts;
}

/** S4: one endpoint answers 503 for a while under steady load, then recovers; does everything arrive? */
export async function recovery(
  ctx: ScenarioContext,
  {
    eventsPerSecond,
    outageMs,
    drainTimeoutMs,
  }: { eventsPerSecond: number; outageMs: number; drainTimeoutMs: number },
): Promise<RecoveryResult> {
  const { endpoints, load } = await prepare(ctx, 's4');
  const failing = endpoints.paths[0] as string;
  ctx.receiver.answer(failing, 'unavailable');
  const outageStart = performance.now();
  const before = ctx.receiver.receipts(failing).length;
  ctx.log(`S4: one endpoint answers 503 for ${outageMs / 1000} s at ${eventsPerSecond} events/s`);
  await load.paced(eventsPerSecond, outageMs);
  const left = outageStart + outageMs - performance.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  ctx.receiver.answer(failing, 'ok');
  const recoveredAt = performance.now();
  const requestsDuringOutage = ctx.receiver.receipts(failing).length - before;
  const owedDuringOutage = load.publishedAt.size;
  ctx.log(`S4: recovered; ${requestsDuringOutage} requests during the outage, waiting for the backlog`);
  const everyDelivered = await allDelivered(ctx, endpoints.paths, owedDuringOutage, drainTimeoutMs);
  const drained = [...ctx.receiver.delivered(failing).values()].reduce((t, r) => Math.max(t, r.at), 0);
  const delivered = endpoints.paths.reduce((n, p) => n + ctx.receiver.delivered(p).size, 0);
  const stored = await persisted(ctx, endpoints.subscriptionIds, owedDuringOutage * endpoints.paths.length);
  await unsubscribe(ctx, endpoints);
  return {
    events: owedDuringOutage,
    outageMs,
    owedDuringOutage,
    requestsDuringOutage,
    drainMs: Math.max(0, Math.round(drained - recoveredAt)),
    everyDelivered,
    missing: owedDuringOutage * endpoints.paths.length - delivered,
    persisted: stored.counts,
  };
}
