import fc from 'fast-check';
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
    ['a Z timestamp as written', '2026-01-31T10:30:00Z', '2026-01-31T10:30:00Z'],
    ['zero milliseconds as written', '2026-01-31T10:30:00.000Z', '2026-01-31T10:30:00.000Z'],
    ['nanoseconds as written', '2026-01-31T10:30:00.123456789Z', '2026-01-31T10:30:00.123456789Z'],
    ['+00:00 as Z', '2026-01-31T10:30:00+00:00', '2026-01-31T10:30:00Z'],
    ['-00:00 as Z', '2026-01-31T10:30:00-00:00', '2026-01-31T10:30:00Z'],
    ['a half-hour offset', '2026-01-31T16:00:00+05:30', '2026-01-31T10:30:00Z'],
    ['a negative offset into the next day', '2026-01-31T23:30:00.250-05:00', '2026-02-01T04:30:00.250Z'],
    [
      'an offset, every fraction digit kept',
      '2026-01-31T12:30:00.123456789+02:00',
      '2026-01-31T10:30:00.123456789Z',
    ],
    ['an offset, trailing zeros kept', '2026-01-31T12:30:00.100+02:00', '2026-01-31T10:30:00.100Z'],
    ['back over New Year', '2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00Z'],
    ['forward over a leap day', '2024-02-29T23:00:00-02:00', '2024-03-01T01:00:00Z'],
    ['+14:00, the largest offset in use', '2026-01-01T00:00:00+14:00', '2025-12-31T10:00:00Z'],
    ['a two-digit year, not read as 19xx', '0050-01-01T00:30:00+01:00', '0049-12-31T23:30:00Z'],
  ])('writes %s', (_case, input, expected) => {
    expect(toUtcTimestamp(input)).toBe(expected);
  });

  it.each(['yesterday', '2026-01-31T10:30:00', '2026-01-31T10:30:00+0530', '2026-01-31 10:30:00Z'])(
    'refuses %s',
    (input) => {
      expect(() => toUtcTimestamp(input)).toThrow(RangeError);
    },
  );

  const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');
  const timestamps = fc
    .record({
      at: fc.date({
        min: new Date('0001-01-02T00:00:00Z'),
        max: new Date('9999-12-30T00:00:00Z'),
        noInvalidDate: true,
      }),
      fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
      offset: fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
    })
    .map(({ at, fraction, offset }) => {
      const local = new Date(at.getTime() + (offset ?? 0) * 60_000).toISOString().slice(0, 19);
      const zone =
        offset === null
          ? 'Z'
          : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
      return `${local}${fraction === '' ? '' : `.${fraction}`}${zone}`;
    });

  it('names the same instant in UTC with the fraction as written, for any valid timestamp', () => {
    fc.assert(
      fc.property(timestamps, (input) => {
        expect(isoTimestamp.safeParse(input).success).toBe(true);
        const utc = toUtcTimestamp(input);
        expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        expect(Date.parse(utc)).toBe(Date.parse(input));
        expect(utc.match(/(\.\d+)?Z$/)?.[1]).toBe(input.match(/:\d\d(\.\d+)?(Z|[+-])/)?.[1]);
        expect(toUtcTimestamp(utc)).toBe(utc);
        if (input.endsWith('Z')) expect(utc).toBe(input);
      }),
      { numRuns: 2000 },
    );
  });
});
