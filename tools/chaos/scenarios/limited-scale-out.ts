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

/** When each run killed the replica that held the subscription. */
const killedAt = new WeakMap<ChaosStack, number>();

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
    endpoints: [{ path: PATH, events: ['*'], rateLimitPerSecond: LIMIT_PER_SECOND }],
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
    killedAt.set(stack, Date.now());
    await stack.stopService(owner, 'SIGKILL');
    await load;
    return { 'killed-dispatcher': stack.dispatchers.indexOf(owner) };
  },
  afterSettle(stack) {
    const times = stack.receiver
      .hits(PATH)
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    const killed = killedAt.get(stack) ?? Number.NaN;
    const resumed = times.find((t) => t > killed) ?? Number.NaN;
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    return {
      requests: times.length,
      'max-requests-in-1s': maxInWindow(times, 1_000),
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

/** The most timestamps (sorted) that fall within any `windowMs` window. */
export function maxInWindow(sorted: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
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
