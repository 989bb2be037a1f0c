import { AssignerProtocol, Partitioners } from 'kafkajs';
import type { EventType } from '@smart-dairy/schemas';
import type { ChaosStack } from '../chaos-stack';
import type { Measurements } from '../report';
import { until, type Scenario } from './scenario';

const LIMIT_PER_SECOND = 20;
const OFFERED_PER_SECOND = 60;
const LOAD_MS = 30_000;
const SECOND_JOINS_AT_MS = 8_000;
const OWNER_KILLED_AT_MS = 30_000;
const PATH = 'limited';

/** Two of each priority: high, medium, low. */
const TYPES: readonly EventType[] = [
  'order.created',
  'order.updated',
  'shipment.updated',
  'payment.completed',
  'user.registered',
  'user.updated',
];

/** When each run started its load, and killed the replica that held the subscription. */
const timeline = new WeakMap<ChaosStack, { start: number; killed: number }>();

/**
 * Scenario 10: a subscription limited to 20 requests/s is offered 60 events/s of every priority while
 * a second dispatcher joins the group and, later, the replica holding the subscription is killed.
 * Whichever replica holds it, the endpoint never sees more than its limit (one request over, for the
 * timer's slack, and one more for a handover) in any one-second window, and it is kept busy at its
 * limit except while the group notices that a replica died (the session timeout).
 */
export const limitedScaleOut: Scenario = {
  name: 's10-limited-scale-out',
  title: 'scenario 10: a rate-limited subscription while dispatchers join and die',
  stack: {
    label: 'limited',
    endpoints: [{ path: PATH, events: ['*'], rateLimitPerSecond: LIMIT_PER_SECOND, timedArrivals: true }],
    dispatchers: 1,
  },
  // 1,800 events at 20/s: 90 s, plus the takeover.
  settleMs: 150_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const start = Date.now();
    const load = stack.load({ ratePerSecond: OFFERED_PER_SECOND, durationMs: LOAD_MS, types: TYPES });
    await until(start, SECOND_JOINS_AT_MS);
    await stack.addDispatcher();
    await until(start, OWNER_KILLED_AT_MS);
    const owner = await ownerOf(stack, stack.subscriptionOf(PATH));
    timeline.set(stack, { start, killed: Date.now() });
    await stack.stopService(owner, 'SIGKILL');
    await load;
    return { 'killed-dispatcher': stack.dispatchers.indexOf(owner) };
  },
  afterSettle(stack) {
    // Counted where the requests arrive, in a process that does nothing else (ArrivalProxy).
    const times = [...stack.arrivals(PATH)].sort((a, b) => a - b);
    const { start, killed } = timeline.get(stack) ?? { start: Number.NaN, killed: Number.NaN };
    const resumed = times.find((t) => t > killed) ?? Number.NaN;
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    const fullest = fullestWindow(times, 1_000);
    return {
      requests: times.length,
      'max-requests-in-1s': fullest.count,
      // Against the second replica joining at 8 s and the kill at 30 s.
      'fullest-window-at-ms': fullest.from - start,
      // The same count from the times the verifying receiver took, which the test process's pauses bunch.
      'max-requests-in-1s-as-verified': fullestWindow(
        stack.receiver
          .hits(PATH)
          .map((r) => r.receivedAt)
          .sort((a, b) => a - b),
        1_000,
      ).count,
      'takeover-ms': resumed - killed,
      'requests-per-second': round((times.length / spanMs) * 1000),
      'requests-per-second-outside-takeover': round((times.length / (spanMs - (resumed - killed))) * 1000),
    };
  },
  check(_stack, _ledger, measured) {
    expect(measured['max-requests-in-1s']).toBeLessThanOrEqual(LIMIT_PER_SECOND + 2);
    expect(measured['requests-per-second-outside-takeover']).toBeGreaterThanOrEqual(LIMIT_PER_SECOND * 0.9);
  },
};

/** The window of `windowMs` holding the most of the (sorted) timestamps: how many, and where it starts. */
export function fullestWindow(sorted: readonly number[], windowMs: number): { count: number; from: number } {
  let fullest = { count: 0, from: Number.NaN };
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    if (last - first + 1 > fullest.count)
      fullest = { count: last - first + 1, from: sorted[first] as number };
  }
  return fullest;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The dispatcher whose group member holds the partition the subscription's tasks are keyed to. */
async function ownerOf(stack: ChaosStack, subscriptionId: string) {
  const admin = stack.kafka.kafka.admin();
  await admin.connect();
  try {
    const topic = stack.kafka.topic('deliveries.high');
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const partition = Partitioners.DefaultPartitioner()({
      topic,
      partitionMetadata: metadata?.partitions ?? [],
      message: { key: subscriptionId, value: null },
    });
    const { groups } = await admin.describeGroups([stack.kafka.groupId('dispatcher')]);
    const member = groups[0]?.members.find((m) =>
      AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic]?.includes(partition),
    );
    const owner = stack.dispatchers.find((_, i) => member?.clientId === `dispatcher-${i}`);
    if (!owner) throw new Error(`no dispatcher holds partition ${partition} of ${topic}`);
    return owner;
  } finally {
    await admin.disconnect();
  }
}
