import { isoTimestamp, toUtcTimestamp } from './iso-timestamp';

describe('isoTimestamp', () => {
  it.each([
    '2026-01-31T10:30:00Z',
    '2026-01-31T10:30:00.123Z',
    '2026-01-31T10:30:00.123456Z',
    '2026-01-31T10:30:00+00:00',
    '2026-01-31T16:00:00+05:30',
    '2026-01-31T05:30:00-05:00',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isoTimestamp.safeParse(value).success).toBe(true);
  });

  it.each([
    ['no zone', '2026-01-31T10:30:00'],
    ['a space separator', '2026-01-31 10:30:00Z'],
    ['no seconds', '2026-01-31T10:30Z'],
    ['an offset without colon', '2026-01-31T10:30:00+0530'],
    ['a date only', '2026-01-31'],
    ['a day that does not exist', '2026-02-30T10:30:00Z'],
    ['29 February of a common year', '2026-02-29T10:30:00Z'],
    ['hour 24', '2026-01-31T24:00:00Z'],
    ['unix seconds', 1769855400],
    ['words', 'yesterday'],
  ])('rejects %s', (_case, value) => {
    expect(isoTimestamp.safeParse(value).success).toBe(false);
  });
});

describe('toUtcTimestamp', () => {
  it.each([
    ['2026-01-31T10:30:00Z', '2026-01-31T10:30:00Z'],
    ['2026-01-31T10:30:00.123456Z', '2026-01-31T10:30:00.123456Z'],
    ['2026-01-31T10:30:00+00:00', '2026-01-31T10:30:00Z'],
    ['2026-01-31T16:00:00+05:30', '2026-01-31T10:30:00Z'],
    ['2026-01-31T23:30:00.250-05:00', '2026-02-01T04:30:00.250Z'],
  ])('writes %s as %s', (input, expected) => {
    expect(toUtcTimestamp(input)).toBe(expected);
  });
});
