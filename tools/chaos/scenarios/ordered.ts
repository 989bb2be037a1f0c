import { SubscriptionOrdering } from '@smart-dairy/db';
import type { EventType } from '@smart-dairy/schemas';
import type { ServiceName } from '@smart-dairy/stack';
import type { Behaviour } from '@smart-dairy/testing';
import type { ChaosStack, TimedReceipt } from '../chaos-stack';
import type { Measurements } from '../report';
import { restartPause, until, type Scenario } from './scenario';

const PATH = 'ordered';
const EVENTS = 5_000;
const KEYS = 200;
const RATE = 100;
/** Each key goes through these in turn: high and medium priorities, which do not apply within a key. */
const TYPES: readonly EventType[] = ['order.created', 'order.updated', 'order.cancelled', 'order.refunded'];
const FAILURE_RATE = 0.2;
/** Long enough never to run out: each request answers 500 at random, one time in five. */
const SCRIPT_LENGTH = 50_000;
/** The kills, in order, each this long after the load started (or once the one before has recovered). */
const KILLS: { name: ServiceName; atMs: number }[] = [
  { name: 'dispatcher', atMs: 8_000 },
  { name: 'ingestion', atMs: 20_000 },
  { name: 'dispatcher', atMs: 32_000 },
];

const randomAnswers = (): Behaviour[] =>
  Array.from({ length: SCRIPT_LENGTH }, () => ({
    kind: 'status',
    status: Math.random() < FAILURE_RATE ? 500 : 200,
  }));

/**
 * Scenario 11: ordered delivery per key (docs/protocol.md#ordered-delivery) through failures and crashes.
 * 5,000 order events over 200 keys go to a subscription with per_key ordering whose endpoint answers 500 to
 * a fifth of the requests at random, with the chaos suite's short retry schedule; the dispatcher is killed
 * twice and ingestion once. Besides the ledger (every event delivered or dead-lettered), each key's first
 * successful receipts must be in publish order: duplicates are allowed, reordering is not.
 */
export const ordered: Scenario = {
  name: 's11-ordered',
  title:
    'scenario 11: ordered delivery per key through 20% failures, two dispatcher kills and one ingestion kill',
  stack: {
    label: 'ordered',
    endpoints: [{ path: PATH, events: ['order.*'], ordering: SubscriptionOrdering.per_key }],
    env: { ORDERING_SWEEP_INTERVAL_MS: '1000' },
  },
  settleMs: 240_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    stack.rescript(PATH, ...randomAnswers());
    const start = Date.now();
    const load = stack.load({
      ratePerSecond: RATE,
      durationMs: (EVENTS / RATE) * 1000,
      types: TYPES,
      keys: KEYS,
    });
    const measured: Measurements = {};
    for (const [n, { name, atMs }] of KILLS.entries()) {
      await until(start, atMs);
      const service = name === 'ingestion' ? stack.ingestion : stack.dispatcher();
      const { readyMs } = await stack.restart(service, 'SIGKILL', restartPause());
      measured[`kill${n + 1}-${name}-restart-to-ready-ms`] = readyMs;
    }
    await load;
    return measured;
  },
  afterSettle(stack: ChaosStack): Measurements {
    const { keys, outOfOrder } = orderPerKey(stack);
    return { keys, 'keys-out-of-order': outOfOrder.length };
  },
  check(stack: ChaosStack, ledger) {
    expect(ledger.published).toBe(EVENTS);
    const { outOfOrder } = orderPerKey(stack);
    expect(outOfOrder).toEqual([]);
  },
};

/**
 * For each key, whether the first successful receipts of its events came in the order they were published.
 * A dead-lettered event has none and constrains nothing: the next event went ahead of it by design.
 */
function orderPerKey(stack: ChaosStack): { keys: number; outOfOrder: string[] } {
  const firstSuccess = new Map<string, number>();
  stack.receipts().forEach((r: TimedReceipt, index) => {
    if (r.path === PATH && r.accepted && r.signatureValid && !firstSuccess.has(r.eventId)) {
      firstSuccess.set(r.eventId, index);
    }
  });
  const byKey = new Map<string, number[]>();
  for (const event of stack.events) {
    const received = firstSuccess.get(event.id);
    if (received === undefined) continue;
    const key = event.key ?? event.id;
    const receipts = byKey.get(key) ?? [];
    receipts.push(received);
    byKey.set(key, receipts);
  }
  const outOfOrder = [...byKey].flatMap(([key, receipts]) =>
    receipts.every((at, i) => i === 0 || (receipts[i - 1] as number) < at) ? [] : [key],
  );
  return { keys: byKey.size, outOfOrder };
}
