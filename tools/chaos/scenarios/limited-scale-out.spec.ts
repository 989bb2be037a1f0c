import { maxInWindow } from './limited-scale-out';

describe('maxInWindow', () => {
  it('counts the fullest window, which holds its start but not its end', () => {
    expect(maxInWindow([0, 500, 999, 1_000, 1_200, 1_900], 1_000)).toBe(4);
    expect(maxInWindow([0, 1_000, 2_000], 1_000)).toBe(1);
  });

  it('is zero without timestamps and one for a lone request', () => {
    expect(maxInWindow([], 1_000)).toBe(0);
    expect(maxInWindow([42], 1_000)).toBe(1);
  });

  it('finds a burst of 21 requests 50 ms apart within one second', () => {
    const burst = Array.from({ length: 21 }, (_, i) => 10_000 + i * 49);
    expect(maxInWindow([0, 100, ...burst, 20_000], 1_000)).toBe(21);
  });
});
