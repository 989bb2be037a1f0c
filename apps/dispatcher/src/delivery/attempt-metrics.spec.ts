import { attemptStatusLabels, secondsSinceEvent } from './attempt-metrics';
import type { AttemptOutcome } from './classify';

describe('attemptStatusLabels', () => {
  it.each<[AttemptOutcome, string, string]>([
    [{ kind: 'response', statusCode: 200 }, '2xx', '200'],
    [{ kind: 'response', statusCode: 204 }, '2xx', '204'],
    [{ kind: 'response', statusCode: 301 }, '3xx', '301'],
    [{ kind: 'response', statusCode: 410 }, '4xx', '410'],
    [{ kind: 'response', statusCode: 429, retryAfter: '5' }, '4xx', '429'],
    [{ kind: 'response', statusCode: 503 }, '5xx', '503'],
    [{ kind: 'response', statusCode: 100 }, '1xx', '100'],
    [{ kind: 'response', statusCode: 599 }, '5xx', '599'],
    [{ kind: 'response', statusCode: 600 }, 'other', 'other'],
    [{ kind: 'response', statusCode: 999 }, 'other', 'other'],
    [{ kind: 'response', statusCode: 99 }, 'other', 'other'],
    [{ kind: 'error', errorClass: 'timeout' }, 'error', 'timeout'],
    [{ kind: 'error', errorClass: 'connection_refused' }, 'error', 'connection_refused'],
    [{ kind: 'error', errorClass: 'tls' }, 'error', 'tls'],
  ])('%j is counted as %s / %s', (outcome, statusClass, statusCode) => {
    expect(attemptStatusLabels(outcome)).toEqual({ status_class: statusClass, status_code: statusCode });
  });
});

describe('secondsSinceEvent', () => {
  const deliveredAt = new Date('2026-12-03T12:00:00.000Z');

  it.each([
    ['2026-12-03T11:59:58.500Z', 1.5],
    ['2026-12-03T10:00:00Z', 7200],
    // The same instant written with an offset.
    ['2026-12-03T13:00:00+01:00', 0],
    // A producer clock ahead of ours: no negative latency.
    ['2026-12-03T12:00:05Z', 0],
  ])('from %s: %d s', (timestamp, seconds) => {
    expect(secondsSinceEvent(timestamp, deliveredAt)).toBe(seconds);
  });
});
