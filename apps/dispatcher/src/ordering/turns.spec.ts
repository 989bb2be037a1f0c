import { DeliveryStatus } from '@smart-dairy/db';
import fc from 'fast-check';
import type { AttemptWrite, NextState } from '../deliveries/attempt-write';
import type { DeliveryRow } from '../deliveries/deliveries.repository';
import { turnOf, turnsEnded, waitsAmong, type Turn } from './turns';

const { pending, retrying, delivered, dead_lettered } = DeliveryStatus;
const AHEAD = `wh_${'a'.repeat(32)}`;

const row = (overrides: Partial<DeliveryRow> = {}): DeliveryRow => ({
  deliveryId: `wh_${'b'.repeat(32)}`,
  subscriptionId: 'wh_sub_ordered',
  priority: 'high',
  event: { eventId: 'evt_2', eventType: 'order.updated', timestamp: '2026-03-02T07:15:00Z', dataJson: '{}' },
  orderingKey: 'ORD-1',
  status: pending,
  attemptCount: 0,
  retryBudgetBase: 0,
  replayRequestedAt: null,
  precededBy: AHEAD,
  ...overrides,
});

const write = (deliveryId: string, orderingKey: string | null, next: NextState): AttemptWrite => ({
  delivery: { ...row({ deliveryId, orderingKey }) },
  replayRequestedAt: null,
  attemptCount: 1,
  budgetBase: 0,
  attempt: null,
  next,
});

const GO: Turn = { kind: 'go' };
const WAIT: Turn = { kind: 'wait', behind: AHEAD };
const later = new Date(Date.now() + 60_000);

describe('turnOf', () => {
  it.each<[string, Partial<DeliveryRow>, Turn]>([
    ['a pending delivery with an earlier one open', {}, WAIT],
    ['a retrying delivery with an earlier one open', { status: retrying }, WAIT],
    ['the first open delivery of its key', { precededBy: null }, GO],
    ['an unordered delivery', { orderingKey: null, precededBy: null }, GO],
    ['a replay or manual retry, sent out of order', { replayRequestedAt: new Date() }, GO],
    ['a delivered one (nothing to send)', { status: delivered }, GO],
    ['a dead-lettered one (nothing to send)', { status: dead_lettered }, GO],
  ])('%s', (_name, overrides, turn) => {
    expect(turnOf(row(overrides))).toEqual(turn);
  });

  it('lists the waits among a batch of rows, each behind its own', () => {
    const rows = [
      row({ deliveryId: 'wh_1', precededBy: null }),
      row({ deliveryId: 'wh_2', precededBy: 'wh_1' }),
      row({ deliveryId: 'wh_3', precededBy: 'wh_2', replayRequestedAt: new Date() }),
      row({ deliveryId: 'wh_4', precededBy: 'wh_2' }),
    ];
    expect(waitsAmong(rows)).toEqual([
      { deliveryId: 'wh_2', behind: 'wh_1' },
      { deliveryId: 'wh_4', behind: 'wh_2' },
    ]);
  });
});

describe('turnsEnded', () => {
  it.each<[string, NextState, string | null, boolean]>([
    ['released by a delivery', { status: 'delivered' }, 'ORD-1', true],
    ['released by a dead letter', { status: 'dead_lettered', reason: 'exhausted' }, 'ORD-1', true],
    [
      'released by a dead letter without an attempt (subscription deleted)',
      { status: 'dead_lettered', reason: 'terminal', why: 'subscription_deleted' },
      'ORD-1',
      true,
    ],
    ['held by a retry', { status: 'retrying', nextAttemptAt: later }, 'ORD-1', false],
    ['held by a parking', { status: 'parked', nextAttemptAt: later, why: 'breaker_open' }, 'ORD-1', false],
    ['not ordered', { status: 'delivered' }, null, false],
  ])('%s', (_name, next, key, ends) => {
    expect(turnsEnded([write('wh_1', key, next)])).toEqual(ends ? ['wh_1'] : []);
  });

  it('names a delivery once however many of its writes a batch holds', () => {
    const writes = [
      write('wh_1', 'ORD-1', { status: 'delivered' }),
      write('wh_1', 'ORD-1', { status: 'delivered' }),
      write('wh_2', 'ORD-1', { status: 'retrying', nextAttemptAt: later }),
    ];
    expect(turnsEnded(writes)).toEqual(['wh_1']);
  });
});

/**
 * One key's deliveries as Postgres holds them, driven step by step by the test: which task arrives, when a
 * send completes and how, when a release is lost in a crash, when the sweeper runs. The lookup is the
 * repository's (the latest earlier delivery not ended); the decisions are the functions above.
 */
class KeyStory {
  readonly sends: { id: number; openBefore: number[] }[] = [];
  readonly firstSuccesses: number[] = [];
  private readonly status: DeliveryStatus[];
  private readonly ended: boolean[];
  private readonly waitingFor: (number | null)[];
  readonly tasks: number[];
  readonly inFlight: number[] = [];

  constructor(readonly size: number) {
    this.status = Array.from({ length: size }, () => pending);
    this.ended = Array.from({ length: size }, () => false);
    this.waitingFor = Array.from({ length: size }, () => null);
    this.tasks = Array.from({ length: size }, (_, i) => i);
  }

  /** The dispatcher takes a task: parks the delivery behind the one ahead, or sends it. */
  take(index: number): void {
    const [id] = this.tasks.splice(index % this.tasks.length, 1) as [number];
    const open = [...Array(id).keys()].filter((earlier) => !this.ended[earlier]);
    const turn = turnOf(
      row({ status: this.status[id], precededBy: open.length ? `wh_${open[open.length - 1]}` : null }),
    );
    if (this.status[id] !== pending && this.status[id] !== retrying) return;
    if (turn.kind === 'wait') this.waitingFor[id] = Number(turn.behind.slice(3));
    else if (!this.inFlight.includes(id)) {
      this.inFlight.push(id);
      this.sends.push({ id, openBefore: open });
    }
  }

  /** A send completes with `next`; its end releases the waiters unless the process dies first. */
  complete(index: number, next: NextState, crash: boolean): void {
    const [id] = this.inFlight.splice(index % this.inFlight.length, 1) as [number];
    this.waitingFor[id] = null;
    this.status[id] = next.status === 'parked' ? retrying : (next.status as DeliveryStatus);
    if (next.status === 'delivered' && !this.firstSuccesses.includes(id)) this.firstSuccesses.push(id);
    // A retry or a parking comes back through the retry scheduler, as a task.
    if (next.status === 'retrying' || next.status === 'parked') this.tasks.push(id);
    for (const ended of turnsEnded([write(`wh_${id}`, 'ORD-1', next)])) {
      this.ended[Number(ended.slice(3))] = true;
      if (!crash) this.release(Number(ended.slice(3)));
    }
  }

  /** What the sweeper does: releases the waits whose delivery ahead has ended. */
  sweep(): void {
    for (let id = 0; id < this.size; id++) {
      const ahead = this.waitingFor[id];
      if (ahead !== null && ahead !== undefined && this.ended[ahead]) this.release(ahead);
    }
  }

  /** A task read twice (a re-read after a crash, the lease running out). */
  duplicate(index: number): void {
    this.tasks.push(index % this.size);
  }

  get allEnded(): boolean {
    return this.ended.every(Boolean);
  }

  private release(ahead: number): void {
    for (let id = 0; id < this.size; id++) {
      if (this.waitingFor[id] !== ahead) continue;
      this.waitingFor[id] = null;
      this.tasks.push(id);
    }
  }
}

const OUTCOMES: NextState[] = [
  { status: 'delivered' },
  { status: 'retrying', nextAttemptAt: later },
  { status: 'dead_lettered', reason: 'exhausted' },
  { status: 'parked', nextAttemptAt: later, why: 'breaker_open' },
];

type Step =
  | { kind: 'take'; index: number }
  | { kind: 'complete'; index: number; outcome: number; crash: boolean }
  | { kind: 'sweep' }
  | { kind: 'duplicate'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('take' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('complete' as const),
    index: fc.nat(),
    outcome: fc.nat({ max: OUTCOMES.length - 1 }),
    crash: fc.boolean(),
  }),
  fc.constant({ kind: 'sweep' as const }),
  fc.record({ kind: fc.constant('duplicate' as const), index: fc.nat() }),
);

function play(story: KeyStory, steps: readonly Step[]): void {
  for (const s of steps) {
    if (s.kind === 'take' && story.tasks.length > 0) story.take(s.index);
    if (s.kind === 'complete' && story.inFlight.length > 0) {
      story.complete(s.index, OUTCOMES[s.outcome] as NextState, s.crash);
    }
    if (s.kind === 'sweep') story.sweep();
    if (s.kind === 'duplicate') story.duplicate(s.index);
  }
  // Then the endpoint recovers, no more crashes, and the sweeper keeps running: everything ends.
  for (let round = 0; round < 10 * story.size && !story.allEnded; round++) {
    while (story.tasks.length > 0) story.take(0);
    while (story.inFlight.length > 0) story.complete(0, { status: 'delivered' }, false);
    story.sweep();
  }
}

describe('one key, with completions the test controls', () => {
  it('holds the later events while the first retries, and lets them go one by one once it is delivered', () => {
    const story = new KeyStory(3);
    story.take(2);
    story.take(1);
    story.take(0);
    expect(story.sends.map((s) => s.id)).toEqual([0]);
    story.complete(0, { status: 'retrying', nextAttemptAt: later }, false);
    story.take(0);
    expect(story.sends.map((s) => s.id)).toEqual([0, 0]);
    story.complete(0, { status: 'delivered' }, false);
    expect(story.tasks).toEqual([1]);
    story.take(0);
    story.complete(0, { status: 'delivered' }, false);
    story.take(0);
    expect(story.sends.map((s) => s.id)).toEqual([0, 0, 1, 2]);
  });

  it('lets the next event go when the one ahead is dead-lettered', () => {
    const story = new KeyStory(2);
    story.take(1);
    story.take(0);
    story.complete(0, { status: 'dead_lettered', reason: 'terminal' }, false);
    story.take(0);
    expect(story.sends.map((s) => s.id)).toEqual([0, 1]);
  });

  it('recovers a release lost in a crash at the next sweep, and not before', () => {
    const story = new KeyStory(2);
    story.take(1);
    story.take(0);
    story.complete(0, { status: 'delivered' }, true);
    expect(story.tasks).toEqual([]);
    story.sweep();
    story.take(0);
    expect(story.sends.map((s) => s.id)).toEqual([0, 1]);
  });

  it('never sends an event before every earlier one ended, and delivers first successes in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 80 }), (size, steps) => {
        const story = new KeyStory(size);
        play(story, steps);
        expect(story.allEnded).toBe(true);
        for (const send of story.sends) expect(send.openBefore).toEqual([]);
        expect(story.firstSuccesses).toEqual([...story.firstSuccesses].sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });
});
