import { fullestWindow } from './limited-scale-out';

const maxInWindow = (times: number[], windowMs: number) => fullestWindow(times, windowMs).count;

describe('fullestWindow', () => {
  it('counts the fullest window, which holds its start but not its end', () => {
    expect(maxInWindow([0, 500, 999, 1_000, 1_200, 1_900], 1_000)).toBe(4);
    expect(maxInWindow([0, 1_000, 2_000], 1_000)).toBe(1);
  });

  it('is zero without timestamps and one for a lone request', () => {
    expect(maxInWindow([], 1_000)).toBe(0);
    expect(maxInWindow([42], 1_000)).toBe(1);
  });

  it('finds a burst of 21 requests 49 ms apart within one second, and where it starts', () => {
    const burst = Array.from({ length: 21 }, (_, i) => 10_000 + i * 49);
    expect(fullestWindow([0, 100, ...burst, 20_000], 1_000)).toEqual({ count: 21, from: 10_000 });
  });
});
