import { decideNext } from './attempt-decision';
import { parseRetrySchedule } from './retry-schedule';

const schedule = parseRetrySchedule('1s,2s', { maxAttempts: 3 });
const middle = () => 0.5; // no jitter

describe('decideNext', () => {
  it.each([
    [
      'a 2xx',
      { verdict: 'delivered' as const, errorClass: null, disableSubscription: false },
      1,
      0,
      { kind: 'delivered' },
    ],
    [
      'a 404',
      { verdict: 'terminal' as const, errorClass: 'http_404' as const, disableSubscription: false },
      1,
      0,
      { kind: 'dead_letter', reason: 'terminal' },
    ],
    [
      'a first 500',
      { verdict: 'retry' as const, errorClass: 'http_500' as const, disableSubscription: false },
      1,
      0,
      { kind: 'retry', delayMs: 1000 },
    ],
    [
      'a second 500',
      { verdict: 'retry' as const, errorClass: 'http_500' as const, disableSubscription: false },
      2,
      0,
      { kind: 'retry', delayMs: 2000 },
    ],
    [
      'the last allowed attempt failing',
      { verdict: 'retry' as const, errorClass: 'timeout' as const, disableSubscription: false },
      3,
      0,
      { kind: 'dead_letter', reason: 'exhausted' },
    ],
    [
      'a replayed delivery with a fresh budget',
      { verdict: 'retry' as const, errorClass: 'http_503' as const, disableSubscription: false },
      4,
      3,
      { kind: 'retry', delayMs: 1000 },
    ],
  ])('%s', (_name, classification, attempt, budgetBase, expected) => {
    expect(decideNext({ classification, attempt, budgetBase, schedule, random: middle })).toEqual(expected);
  });

  it('honours Retry-After beyond the scheduled delay', () => {
    const decision = decideNext({
      classification: {
        verdict: 'retry',
        errorClass: 'http_429',
        disableSubscription: false,
        retryAfterMs: 30_000,
      },
      attempt: 1,
      budgetBase: 0,
      schedule,
      random: middle,
    });
    expect(decision).toEqual({ kind: 'retry', delayMs: 30_000 });
  });
});
