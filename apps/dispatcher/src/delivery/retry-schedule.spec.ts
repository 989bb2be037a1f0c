import { DEFAULT_RETRY_SCHEDULE, nextRetry, parseRetrySchedule, type RetrySchedule } from './retry-schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const middle = () => 0.5;
const lowest = () => 0;
const highest = () => 1 - Number.EPSILON;

describe('nextRetry with the default schedule', () => {
  it.each([
    [1, 1 * MINUTE],
    [2, 2 * MINUTE],
    [3, 4 * MINUTE],
    [4, 8 * MINUTE],
    [5, 15 * MINUTE],
    [6, 30 * MINUTE],
    [7, HOUR],
    [8, HOUR],
    [9, HOUR],
    [10, HOUR],
  ])('waits %i → %i ms before the next attempt, ±25%', (attempt, scheduledMs) => {
    const retry = (random: () => number) => nextRetry({ attempt, schedule: DEFAULT_RETRY_SCHEDULE, random });
    expect(retry(middle)).toEqual({ delayMs: scheduledMs });
    expect(retry(lowest)).toEqual({ delayMs: 0.75 * scheduledMs });
    expect(retry(highest)).toEqual({ delayMs: 1.25 * scheduledMs });
  });

  it.each([11, 12, 100])('is exhausted after attempt %i', (attempt) => {
    expect(nextRetry({ attempt, schedule: DEFAULT_RETRY_SCHEDULE, random: middle })).toBe('exhausted');
  });

  it('allows 11 attempts in all: 10 retries', () => {
    const decisions = Array.from({ length: 11 }, (_, index) =>
      nextRetry({ attempt: index + 1, schedule: DEFAULT_RETRY_SCHEDULE, random: middle }),
    );
    expect(decisions.filter((decision) => decision !== 'exhausted')).toHaveLength(10);
    expect(decisions.at(-1)).toBe('exhausted');
  });

  it.each([
    ['lengthens a short scheduled wait', 1, middle, 10 * MINUTE, 10 * MINUTE],
    ['is capped at an hour', 1, middle, 5 * HOUR, HOUR],
    ['never shortens the scheduled wait', 4, middle, 1_000, 8 * MINUTE],
    ['never shortens the jittered wait', 4, highest, 9 * MINUTE, 10 * MINUTE],
    ['of zero keeps the schedule', 2, lowest, 0, 1.5 * MINUTE],
    ['cannot cut a jittered hourly wait back to the cap', 8, highest, 5 * HOUR, 1.25 * HOUR],
    ['equal to the cap on an hourly retry', 8, lowest, HOUR, HOUR],
  ])('Retry-After %s', (_case, attempt, random, retryAfterMs, delayMs) => {
    expect(nextRetry({ attempt, schedule: DEFAULT_RETRY_SCHEDULE, random, retryAfterMs })).toEqual({
      delayMs,
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attempt %p', (attempt) => {
    expect(() => nextRetry({ attempt, schedule: DEFAULT_RETRY_SCHEDULE, random: middle })).toThrow(
      RangeError,
    );
  });
});

describe('nextRetry with a configured schedule', () => {
  const schedule: RetrySchedule = { delaysMs: [500, 2_000], maxAttempts: 4 };

  it.each([
    [1, { delayMs: 500 }],
    [2, { delayMs: 2_000 }],
    [3, { delayMs: 2_000 }],
    [4, 'exhausted'],
  ])('after attempt %i → %j', (attempt, expected) => {
    expect(nextRetry({ attempt, schedule, random: middle })).toEqual(expected);
  });

  it('is exhausted straight away when one attempt is all there is', () => {
    expect(nextRetry({ attempt: 1, schedule: { ...schedule, maxAttempts: 1 }, random: middle })).toBe(
      'exhausted',
    );
  });
});

describe('parseRetrySchedule', () => {
  it.each([
    ['1m,2m,4m,8m,15m,30m,1h', [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR]],
    ['500ms', [500]],
    ['2s, 500ms ,1h', [2_000, 500, HOUR]],
    ['90s,2h', [90_000, 2 * HOUR]],
  ])('reads %j', (text, delaysMs) => {
    expect(parseRetrySchedule(text)).toEqual({ delaysMs, maxAttempts: 11 });
  });

  it('takes maxAttempts', () => {
    expect(parseRetrySchedule('1s', { maxAttempts: 3 })).toEqual({ delaysMs: [1_000], maxAttempts: 3 });
  });

  it('gives the schedule of docs/protocol.md#retries by default', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual(parseRetrySchedule('1m,2m,4m,8m,15m,30m,1h', { maxAttempts: 11 }));
  });

  it.each([
    ['', 'retry delay #1 "" is not a positive duration'],
    ['1m,,2m', 'retry delay #2 "" is not a positive duration'],
    ['1m,2m,', 'retry delay #3 "" is not a positive duration'],
    ['0s', 'retry delay #1 "0s" is not a positive duration'],
    ['5', 'retry delay #1 "5" is not a positive duration'],
    ['1d', 'retry delay #1 "1d" is not a positive duration'],
    ['1.5m', 'retry delay #1 "1.5m" is not a positive duration'],
    ['-1m', 'retry delay #1 "-1m" is not a positive duration'],
    ['1 m', 'retry delay #1 "1 m" is not a positive duration'],
    ['1M', 'retry delay #1 "1M" is not a positive duration'],
  ])('rejects %j', (text, message) => {
    expect(() => parseRetrySchedule(text)).toThrow(new RangeError(message + ' like 30s'));
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects maxAttempts %p', (maxAttempts) => {
    expect(() => parseRetrySchedule('1m', { maxAttempts })).toThrow(RangeError);
  });
});
