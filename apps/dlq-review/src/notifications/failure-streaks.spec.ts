import type { DeliveryOutcome } from '@smart-dairy/messages';
import { FailureStreaks, advanceStreaks } from './failure-streaks';

const THRESHOLDS = [3, 5];

function outcome(subscriptionId: string, kind: DeliveryOutcome['outcome'], n = 0): DeliveryOutcome {
  return {
    deliveryId: `wh_${String(n).padStart(32, '0')}`,
    subscriptionId,
    eventId: `evt_${n}`,
    eventType: 'order.created',
    attempt: 1,
    outcome: kind,
    statusCode: kind === 'delivered' ? 200 : 503,
    errorClass: kind === 'delivered' ? null : 'http_503',
    latencyMs: 12,
    nextAttemptAt: null,
    at: `2026-03-02T06:00:${String(n).padStart(2, '0')}Z`,
  };
}

/** A compact script: f = failed attempt (retry_scheduled), x = dead_lettered, d = delivered, p = parked. */
const KINDS = { f: 'retry_scheduled', x: 'dead_lettered', d: 'delivered', p: 'parked' } as const;
const script = (subscriptionId: string, letters: string) =>
  [...letters].map((letter, n) => outcome(subscriptionId, KINDS[letter as keyof typeof KINDS], n));

describe('advanceStreaks', () => {
  it.each<[string, number, string, number, number[]]>([
    ['no failures', 0, 'ddd', 0, []],
    ['below the first threshold', 0, 'ff', 2, []],
    ['reaching the first threshold', 0, 'fff', 3, [3]],
    ['dead letters count like other failed attempts', 0, 'ffx', 3, [3]],
    ['both thresholds in one batch, each once', 0, 'fffffff', 7, [3, 5]],
    ['a run that goes on from earlier batches', 4, 'f', 5, [5]],
    ['past the last threshold: nothing more', 5, 'fff', 8, []],
    ['a success ends the run, and the next run crosses again', 2, 'fdfff', 3, [3, 3]],
    ['parked deliveries were not attempted', 2, 'pp', 2, []],
    ['a success at the end', 3, 'ffd', 0, [5]],
  ])('%s', (_case, before, letters, after, crossed) => {
    const step = advanceStreaks(new Map([['wh_sub_a', before]]), script('wh_sub_a', letters), THRESHOLDS);
    expect(step.counts.get('wh_sub_a') ?? before).toBe(after);
    expect(step.crossings.map((c) => c.threshold)).toEqual(crossed);
  });

  it('reports the crossing attempt: its time, error class and the run length', () => {
    const outcomes = script('wh_sub_a', 'fff');
    const [crossing] = advanceStreaks(new Map(), outcomes, THRESHOLDS).crossings;
    expect(crossing).toEqual({
      subscriptionId: 'wh_sub_a',
      consecutiveFailures: 3,
      threshold: 3,
      lastErrorClass: 'http_503',
      at: outcomes[2]!.at,
    });
  });

  it('counts each subscription on its own', () => {
    const outcomes = [...script('wh_sub_a', 'ff'), ...script('wh_sub_b', 'fff'), ...script('wh_sub_a', 'd')];
    const step = advanceStreaks(new Map(), outcomes, THRESHOLDS);
    expect(step.crossings.map((c) => c.subscriptionId)).toEqual(['wh_sub_b']);
    expect(Object.fromEntries(step.counts)).toEqual({ wh_sub_a: 0, wh_sub_b: 3 });
  });

  it('leaves the current counts untouched', () => {
    const current = new Map([['wh_sub_a', 2]]);
    advanceStreaks(current, script('wh_sub_a', 'fff'), THRESHOLDS);
    expect(Object.fromEntries(current)).toEqual({ wh_sub_a: 2 });
  });
});

describe('FailureStreaks', () => {
  it('applies a step only once committed, so a batch read again is not counted twice', () => {
    const streaks = new FailureStreaks(THRESHOLDS);
    const failing = script('wh_sub_a', 'fff');
    expect(streaks.advance(failing).crossings).toHaveLength(1); // publication failed: not committed
    const again = streaks.advance(failing);
    expect(again.crossings).toHaveLength(1);
    again.commit();
    expect(streaks.advance(script('wh_sub_a', 'ff')).crossings.map((c) => c.threshold)).toEqual([5]);
  });

  it('forgets a subscription whose run ended', () => {
    const streaks = new FailureStreaks(THRESHOLDS);
    streaks.advance(script('wh_sub_a', 'ff')).commit();
    streaks.advance(script('wh_sub_a', 'd')).commit();
    expect(streaks.advance(script('wh_sub_a', 'ff')).crossings).toEqual([]);
  });
});
