import { TokenBucketLimiter, type RateLimit } from './token-bucket';

function limiterAt(limit: RateLimit, maxKeys?: number) {
  const clock = { ms: 1_000_000 };
  const limiter = new TokenBucketLimiter(limit, () => clock.ms, maxKeys);
  const takeAll = (key: string, n: number) => Array.from({ length: n }, () => limiter.take(key).allowed);
  return { clock, limiter, takeAll };
}

describe('TokenBucketLimiter', () => {
  it('allows a burst, then refuses until tokens come back at the sustained rate', () => {
    const { clock, limiter, takeAll } = limiterAt({ perSecond: 2, burst: 3 });
    expect(takeAll('k', 4)).toEqual([true, true, true, false]);
    clock.ms += 499;
    expect(limiter.take('k').allowed).toBe(false);
    clock.ms += 1;
    expect(takeAll('k', 2)).toEqual([true, false]);
  });

  it('refills no further than the burst', () => {
    const { clock, takeAll } = limiterAt({ perSecond: 10, burst: 2 });
    takeAll('k', 2);
    clock.ms += 60_000;
    expect(takeAll('k', 3)).toEqual([true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const { limiter, takeAll } = limiterAt({ perSecond: 1, burst: 1 });
    expect(takeAll('a', 2)).toEqual([true, false]);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it.each([
    [{ perSecond: 10, burst: 1 }, 0, 1],
    [{ perSecond: 1, burst: 1 }, 0, 1],
    [{ perSecond: 1, burst: 1 }, 900, 1],
    [{ perSecond: 0.5, burst: 1 }, 0, 2],
    [{ perSecond: 0.25, burst: 1 }, 1_000, 3],
    [{ perSecond: 0.1, burst: 1 }, 500, 10],
  ])('with %j, %i ms after the bucket emptied, says retry after %i s', (limit, waitedMs, seconds) => {
    const { clock, limiter } = limiterAt(limit);
    limiter.take('k');
    clock.ms += waitedMs;
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: seconds });
  });

  it('neither refills nor drains when the clock goes backwards', () => {
    const { clock, limiter } = limiterAt({ perSecond: 1, burst: 1 });
    limiter.take('k');
    clock.ms -= 5_000;
    expect(limiter.take('k').allowed).toBe(false);
    clock.ms += 1_000;
    expect(limiter.take('k').allowed).toBe(true);
  });

  // Each step: take (t) or give back (g) for key a, b or c; the result lists what each take allowed.
  it.each([
    ['a burst of 2 is spent by two takes', 'ta ta ta', [true, true, false]],
    ['a token given back can be taken again', 'ta ta ga ta ta', [true, true, true, false]],
    ['giving back never raises a bucket above its burst', 'ga ga ga ta ta ta', [true, true, false]],
    ['buckets of different keys do not share tokens', 'ta ta tb tb tb', [true, true, true, true, false]],
    // Bound 2: using b and then c forgets a, the least recently used, which starts full again.
    [
      'beyond maxKeys the least recently used bucket is forgotten',
      'ta ta tb tc ta ta ta',
      [true, true, true, true, true, true, false],
    ],
    ['a recently used bucket is kept', 'ta ta tb ta tc ta', [true, true, true, false, true, false]],
  ])('%s', (_case, steps, allowed) => {
    const { limiter } = limiterAt({ perSecond: 0.001, burst: 2 }, 2);
    const taken: boolean[] = [];
    for (const [op, key] of steps.split(' ')) {
      if (op === 't') taken.push(limiter.take(key).allowed);
      else limiter.giveBack(key);
    }
    expect(taken).toEqual(allowed);
    expect(limiter.size).toBeLessThanOrEqual(2);
  });

  it('holds no more than maxKeys buckets however many keys it sees', () => {
    const { limiter } = limiterAt({ perSecond: 1, burst: 1 }, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`198.51.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
  });

  it.each([0, 0.5, -1, Number.NaN])('refuses maxKeys %p', (maxKeys) => {
    expect(() => new TokenBucketLimiter({ perSecond: 1, burst: 1 }, undefined, maxKeys)).toThrow(RangeError);
  });

  it.each([
    { perSecond: 0, burst: 5 },
    { perSecond: -1, burst: 5 },
    { perSecond: Number.NaN, burst: 5 },
    { perSecond: 5, burst: 0 },
    { perSecond: 5, burst: 0.5 },
  ])('refuses the unusable limit %j', (limit) => {
    expect(() => new TokenBucketLimiter(limit)).toThrow(RangeError);
  });
});
