import { median, percentile, ratio, summarizeLatencies, summarizeRate } from './stats.ts';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it.each([
    ['an odd count: the middle one', [48, 12, 30], 30],
    ['an even count: the mean of the middle two', [40, 10, 30, 20], 25],
    ['one value', [7], 7],
  ])('takes the median of %s', (_, values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('has no median of nothing', () => {
    expect(median([])).toBeNaN();
  });

  it('summarises latencies whatever their order', () => {
    expect(summarizeLatencies([30, 10, 20, 40])).toEqual({
      count: 4,
      p50: 20,
      p95: 40,
      p99: 40,
      max: 40,
      mean: 25,
    });
  });

  it('measures the sustained rate over the middle 90% of arrivals, ignoring a slow start and tail', () => {
    // 1,000 arrivals 1 ms apart, plus a straggler 10 s later.
    const times = [...Array.from({ length: 1_000 }, (_, i) => i), 10_999];
    const rate = summarizeRate(times);
    expect(rate.sustainedPerSecond).toBeGreaterThan(950);
    expect(rate.overallPerSecond).toBeLessThan(100);
    expect(rate.spanMs).toBe(10_999);
  });

  it('has no rate for fewer than two arrivals, and no ratio over zero', () => {
    expect(summarizeRate([5]).sustainedPerSecond).toBe(0);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, 3)).toBe(0.333);
  });
});
