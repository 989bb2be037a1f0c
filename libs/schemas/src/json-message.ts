import { problem, type Parsed } from './problem';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns what arrived on the wire into a JSON value. Bytes and strings are size-checked before any parsing so
 * an oversized message costs no more than its length check; anything else is taken as already parsed.
 */
export function decodeJsonMessage(raw: unknown, maxBytes: number): Parsed<unknown> {
  if (raw instanceof Uint8Array) {
    if (raw.byteLength > maxBytes) return tooLarge(raw.byteLength, maxBytes);
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return { ok: false, problems: [problem('', 'message is not valid UTF-8')] };
    }
    return parseJson(text);
  }
  if (typeof raw === 'string') {
    const size = Buffer.byteLength(raw, 'utf8');
    return size > maxBytes ? tooLarge(size, maxBytes) : parseJson(raw);
  }
  return { ok: true, value: raw };
}

function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [problem('', `message is not valid JSON: ${reason}`)] };
  }
}

function tooLarge(size: number, maxBytes: number): Parsed<never> {
  return {
    ok: false,
    problems: [problem('', `message is ${size} bytes, more than the ${maxBytes} allowed`)],
  };
}
