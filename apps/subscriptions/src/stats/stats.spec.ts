import { StatsQuery } from './stats.schemas';
import { successRate } from './stats.service';

const HOUR = 3_600_000;

describe('stats window', () => {
  it.each([
    [{}, 24 * HOUR],
    [{ window: '90m' }, 1.5 * HOUR],
    [{ window: '7d' }, 7 * 24 * HOUR],
  ])('%j spans %d ms ending now', (query, span) => {
    const { since, until } = StatsQuery.parse(query);
    expect(until.getTime() - since.getTime()).toBe(span);
    expect(Math.abs(until.getTime() - Date.now())).toBeLessThan(1_000);
  });

  it('starts at since when given', () => {
    expect(StatsQuery.parse({ since: '2026-01-01T00:00:00Z' }).since.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it.each([
    [{ window: '24' }, 'window'],
    [{ window: '0h' }, 'window'],
    [{ window: '367d' }, 'window'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: '2026-01-01T00:00:00Z', window: '1h' }, 'window'],
    [{ from: '2026-01-01T00:00:00Z' }, ''],
  ])('rejects %j at %s', (query, path) => {
    const result = StatsQuery.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });
});

describe('success rate', () => {
  it.each([
    [0, 0, null],
    [3, 1, 0.75],
    [0, 5, 0],
    [8, 0, 1],
  ])('delivered %d, retrying or dead-lettered %d: %p', (delivered, unsuccessful, rate) => {
    expect(successRate(delivered, unsuccessful)).toBe(rate);
  });
});
