import { MAX_SEND_BYTES } from '@smart-dairy/kafka';
import { deadLetterCodec, type AttemptRecord, type DeadLetter } from './dead-letter';

export interface DeadLetterBounds {
  /** The most attempts one dead letter carries: the latest ones. */
  readonly maxAttempts: number;
  /** The most bytes of the encoded message (its UTF-8 JSON, escapes included). */
  readonly maxBytes: number;
  /** The most UTF-8 bytes of each attempt's response body. */
  readonly responseBodyBytes: number;
}

/**
 * What one produce request carries (`sizeBatches`), half of the broker's default 1 MiB limit: a dead letter
 * always fits a request of its own, even on a topic whose `max.message.bytes` was halved. The event's data is at
 * most 256 KiB (MAX_EVENT_BYTES in @smart-dairy/schemas), which leaves at least as much for the attempts.
 */
export const DEAD_LETTER_MAX_BYTES = MAX_SEND_BYTES;

/**
 * Enough of an answer for a reviewer to recognise it; the attempt rows keep 64 KiB. Counted in UTF-8 bytes
 * before JSON escaping: an answer of control characters costs up to six times as much in the message, which
 * the byte budget then pays for by carrying fewer attempts.
 */
export const DEAD_LETTER_RESPONSE_BODY_BYTES = 4 * 1024;

export interface EncodedDeadLetter {
  readonly letter: DeadLetter;
  readonly value: Buffer;
}

/**
 * Encodes a dead letter within `bounds`, however many times its delivery was replayed: each response body is cut
 * to its first bytes (never inside a character), then the oldest attempts are left out until the message fits.
 * The message says what it leaves out (`omittedAttempts`, `responseBodyTruncated`). When the other fields alone
 * exceed `maxBytes` it carries no attempt at all, and is still larger than asked: `value.length` tells.
 */
export function boundDeadLetter(letter: DeadLetter, bounds: DeadLetterBounds): EncodedDeadLetter {
  const total = (letter.omittedAttempts ?? 0) + letter.history.length;
  const latest = letter.history
    .slice(Math.max(0, letter.history.length - bounds.maxAttempts))
    .map((attempt) => withBodyCut(attempt, bounds.responseBodyBytes));
  // Everything but the attempts, with the largest count of omitted attempts it can come to.
  let room = bounds.maxBytes - Buffer.byteLength(JSON.stringify(withHistory(letter, [], total)));
  let kept = 0;
  for (let i = latest.length - 1; i >= 0; i -= 1) {
    const separator = kept > 0 ? 1 : 0;
    const size = Buffer.byteLength(JSON.stringify(latest[i])) + separator;
    if (size > room) break;
    room -= size;
    kept += 1;
  }
  const history = latest.slice(latest.length - kept);
  const bounded = withHistory(letter, history, total - history.length);
  return { letter: bounded, value: deadLetterCodec.encode(bounded) };
}

/** The longest start of `text` whose UTF-8 encoding takes at most `maxBytes`: whole characters only. */
export function utf8Prefix(text: string, maxBytes: number): string {
  // No UTF-16 unit takes more than 3 bytes (a surrogate pair takes 4 for its two).
  if (text.length * 3 <= maxBytes) return text;
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

function withBodyCut(attempt: AttemptRecord, maxBytes: number): AttemptRecord {
  if (attempt.responseBody === null) return attempt;
  const cut = utf8Prefix(attempt.responseBody, maxBytes);
  if (cut.length === attempt.responseBody.length) return attempt;
  return { ...attempt, responseBody: cut, responseBodyTruncated: true };
}

function withHistory(letter: DeadLetter, history: AttemptRecord[], omitted: number): DeadLetter {
  const { omittedAttempts: _previous, ...rest } = letter;
  return omitted > 0 ? { ...rest, history, omittedAttempts: omitted } : { ...rest, history };
}
