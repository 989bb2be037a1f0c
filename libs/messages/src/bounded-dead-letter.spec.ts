import {
  DEAD_LETTER_MAX_BYTES,
  DEAD_LETTER_RESPONSE_BODY_BYTES,
  boundDeadLetter,
  utf8Prefix,
  type DeadLetterBounds,
} from './bounded-dead-letter';
import { deadLetterCodec, type AttemptRecord, type DeadLetter } from './dead-letter';

const BOUNDS: DeadLetterBounds = {
  maxAttempts: 11,
  maxBytes: DEAD_LETTER_MAX_BYTES,
  responseBodyBytes: DEAD_LETTER_RESPONSE_BODY_BYTES,
};

/** What a partner answering control characters sends: six bytes each once JSON-escaped. */
const CONTROL_BODY = '\u0001'.repeat(64 * 1024);

function attempt(n: number, responseBody: string | null = 'bad gateway'): AttemptRecord {
  const at = new Date(Date.UTC(2026, 11, 3) + n * 60_000).toISOString();
  return {
    attempt: n,
    statusCode: 502,
    errorClass: 'http_502',
    error: 'HTTP 502',
    latencyMs: 12,
    responseBody,
    startedAt: at,
    finishedAt: at,
  };
}

function letter(
  attempts: number,
  { dataBytes = 200, body = 'bad gateway' as string | null } = {},
): DeadLetter {
  return {
    deliveryId: `wh_${'a'.repeat(32)}`,
    subscriptionId: 'sub_1',
    eventId: 'evt_1',
    eventType: 'order.created',
    priority: 'high',
    occurredAt: '2026-12-03T00:00:00Z',
    data: { order_id: 'ORD-1', notes: 'n'.repeat(dataBytes) },
    reason: 'exhausted',
    errorClass: 'http_502',
    finalError: 'HTTP 502',
    history: Array.from({ length: attempts }, (_, i) => attempt(i + 1, body)),
    movedAt: '2026-12-03T06:00:00.000Z',
  };
}

const attemptsOf = (l: DeadLetter) => l.history.map((a) => a.attempt);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('utf8Prefix', () => {
  it.each([
    ['text within the limit', 'hello', 5, 'hello'],
    ['ASCII past the limit', 'hello world', 5, 'hello'],
    ['a two-byte character that would be split', 'aé', 2, 'a'],
    ['a two-byte character that fits', 'aé', 3, 'aé'],
    ['a three-byte character that would be split', 'a€b', 3, 'a'],
    ['a surrogate pair (4 bytes) that would be split', 'a😀b', 4, 'a'],
    ['a surrogate pair that fits', 'a😀b', 5, 'a😀'],
    ['control characters, one byte each before escaping', '\u0001\u0002\u0003', 2, '\u0001\u0002'],
    ['a zero limit', 'abc', 0, ''],
  ])('%s', (_case, text, maxBytes, expected) => {
    const prefix = utf8Prefix(text, maxBytes);
    expect(prefix).toBe(expected);
    expect(Buffer.byteLength(prefix)).toBeLessThanOrEqual(maxBytes);
  });

  it('never leaves half a surrogate pair at any limit', () => {
    const text = '😀'.repeat(100);
    for (let bytes = 0; bytes <= 60; bytes += 1) {
      const prefix = utf8Prefix(text, bytes);
      expect(prefix.length % 2).toBe(0);
      expect(prefix.length / 2).toBe(Math.floor(bytes / 4));
    }
  });
});

describe('boundDeadLetter', () => {
  it('carries a small letter whole and says nothing was left out', () => {
    const { letter: bounded, value } = boundDeadLetter(letter(3), BOUNDS);
    expect(bounded).toEqual(letter(3));
    expect(bounded).not.toHaveProperty('omittedAttempts');
    expect(deadLetterCodec.decode(value)).toEqual({ ok: true, value: letter(3) });
  });

  it('carries the latest maxAttempts attempts and counts the earlier ones', () => {
    const { letter: bounded, value } = boundDeadLetter(letter(30), BOUNDS);
    expect(attemptsOf(bounded)).toEqual(range(20, 30));
    expect(bounded.omittedAttempts).toBe(19);
    expect(deadLetterCodec.decode(value)).toEqual({ ok: true, value: bounded });
  });

  it('adds to the attempts the letter already left out', () => {
    const { letter: bounded } = boundDeadLetter({ ...letter(15), omittedAttempts: 40 }, BOUNDS);
    expect(bounded.history).toHaveLength(11);
    expect(bounded.omittedAttempts).toBe(44);
  });

  it('cuts each response body to its first UTF-8 bytes and marks it', () => {
    const body = 'é'.repeat(10_000);
    const { letter: bounded } = boundDeadLetter(letter(2, { body }), BOUNDS);
    for (const a of bounded.history) {
      expect(Buffer.byteLength(a.responseBody as string)).toBe(DEAD_LETTER_RESPONSE_BODY_BYTES);
      expect(body.startsWith(a.responseBody as string)).toBe(true);
      expect(a.responseBodyTruncated).toBe(true);
    }
    const short = boundDeadLetter(letter(1, { body: 'x'.repeat(DEAD_LETTER_RESPONSE_BODY_BYTES) }), BOUNDS);
    expect(short.letter.history[0]).not.toHaveProperty('responseBodyTruncated');
  });

  it.each([
    ['one run', 11],
    ['after one replay', 22],
    ['after five replays', 66],
  ])(
    'keeps a 200 KiB event failing with control characters within the byte budget, %s',
    (_case, attempts) => {
      const full = letter(attempts, { dataBytes: 200 * 1024, body: CONTROL_BODY });
      const { letter: bounded, value } = boundDeadLetter(full, BOUNDS);
      expect(value.length).toBeLessThanOrEqual(BOUNDS.maxBytes);
      expect(Buffer.byteLength(JSON.stringify(bounded))).toBe(value.length);
      // The latest attempts, as many as the budget takes: one more would not fit.
      const kept = bounded.history.length;
      expect(kept).toBeGreaterThan(0);
      expect(attemptsOf(bounded)).toEqual(range(attempts - kept + 1, attempts));
      expect(bounded.omittedAttempts ?? 0).toBe(attempts - kept);
      if (kept < Math.min(attempts, BOUNDS.maxAttempts)) {
        const next = Buffer.byteLength(JSON.stringify(bounded.history[0])) + 1;
        expect(value.length + next).toBeGreaterThan(BOUNDS.maxBytes);
      }
    },
  );

  it.each([1_000, 20_000, 60_000, 100_000])(
    'never exceeds a budget of %i bytes when the rest fits',
    (maxBytes) => {
      const full = letter(40, { dataBytes: 500, body: CONTROL_BODY });
      const { letter: bounded, value } = boundDeadLetter(full, { ...BOUNDS, maxBytes });
      expect(value.length).toBeLessThanOrEqual(maxBytes);
      expect(bounded.history.length + (bounded.omittedAttempts ?? 0)).toBe(40);
    },
  );

  it('carries no attempt when the rest alone exceeds the budget, and says so', () => {
    const full = letter(5, { dataBytes: 10_000 });
    const { letter: bounded, value } = boundDeadLetter(full, { ...BOUNDS, maxBytes: 5_000 });
    expect(bounded.history).toEqual([]);
    expect(bounded.omittedAttempts).toBe(5);
    expect(value.length).toBeGreaterThan(5_000);
  });

  it('leaves every attempt out with maxAttempts 0 (the shortest form)', () => {
    const { letter: bounded } = boundDeadLetter(letter(4), { ...BOUNDS, maxAttempts: 0 });
    expect(bounded.history).toEqual([]);
    expect(bounded.omittedAttempts).toBe(4);
  });
});
