import { parseRetryAfter } from './retry-after';

const now = new Date('2026-01-31T10:30:00.000Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 30 ', 30_000],
    ['86400', 86_400_000],
    ['Sat, 31 Jan 2026 10:31:30 GMT', 90_000],
    ['Sat, 31 Jan 2026 10:30:00 GMT', 0],
    ['Sat, 31 Jan 2026 10:29:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['Sun, 01 Feb 2026 10:30:00 GMT', 86_400_000],
  ])('reads %j as %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    '',
    'soon',
    '1.5',
    '-5',
    '+5',
    '5s',
    '1e3',
    'Sat, 31 Jan 2026 25:30:00 GMT',
    'Sat, 31 Jan 2026 10:31:30 +0000',
    'Saturday, 31-Jan-26 10:31:30 GMT',
    'Sat Jan 31 10:31:30 2026',
    '2026-01-31T10:31:30Z',
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
