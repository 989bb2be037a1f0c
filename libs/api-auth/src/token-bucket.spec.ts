import { TokenBucketLimiter, type RateLimit } from './token-bucket';

function limiterAt(limit: RateLimit) {
  const clock = { ms: 1_000_000 };
  const limiter = new TokenBucketLimiter(limit, () => clock.ms);
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
