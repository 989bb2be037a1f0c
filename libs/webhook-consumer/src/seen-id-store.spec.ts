import { InMemorySeenIdStore } from './seen-id-store';

describe('InMemorySeenIdStore', () => {
  const START_MS = Date.parse('2026-03-02T07:15:00Z');
  let nowMs = START_MS;
  beforeEach(() => {
    nowMs = START_MS;
  });
  const store = () => new InMemorySeenIdStore({ now: () => new Date(nowMs) });

  it('adds an id once', () => {
    const seen = store();
    expect(seen.addIfAbsent('wh_1', 60)).toBe(true);
    expect(seen.addIfAbsent('wh_1', 60)).toBe(false);
    expect(seen.addIfAbsent('wh_2', 60)).toBe(true);
  });

  it.each([
    ['one second before expiry', 59_999, false],
    ['at expiry', 60_000, true],
  ])('treats an id %s as absent: %s', (_case, elapsedMs, absent) => {
    const seen = store();
    seen.addIfAbsent('wh_1', 60);
    nowMs += elapsedMs;
    expect(seen.addIfAbsent('wh_1', 60)).toBe(absent);
  });

  it('forgets expired ids, bounding its memory', () => {
    const seen = store();
    for (let i = 0; i < 1000; i += 1) seen.addIfAbsent(`wh_${i}`, 10);
    expect(seen.size).toBe(1000);
    nowMs += 120_000;
    seen.addIfAbsent('wh_later', 10);
    expect(seen.size).toBe(1);
  });
});
