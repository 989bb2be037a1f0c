import { problem, type Parsed } from './problem';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message as a JSON value, with the text it was parsed from when it arrived as bytes or a string. */
export interface JsonMessage {
  readonly value: unknown;
  readonly text: string | undefined;
}

/**
 * Turns what arrived on the wire into a JSON value. Bytes and strings are size-checked before any parsing so
 * an oversized message costs no more than its length check; anything else is taken as already parsed.
 */
export function decodeJsonMessage(raw: unknown, maxBytes: number): Parsed<JsonMessage> {
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
  return { ok: true, value: { value: raw, text: undefined } };
}

function parseJson(text: string): Parsed<JsonMessage> {
  try {
    return { ok: true, value: { value: JSON.parse(text), text } };
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
