/** Where a value sits in a JSON text: `text.slice(start, end)` is the value exactly as written. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c;
const COLON = 0x3a;

/** JSON whitespace is exactly these four (RFC 8259 §2); a BOM or U+00A0 is not. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * The span of the value of the top-level member `name` of a JSON object text, or undefined when the object
 * has no such member. With duplicate names it is the last one, the member `JSON.parse` keeps. A name written
 * with escapes (`"d\u0061ta"`) is compared after unescaping, as `JSON.parse` does.
 *
 * The text must be JSON that `JSON.parse` accepted: this finds spans, it does not validate, and on other text
 * it throws a SyntaxError or returns a span that means nothing. It reads every character once, skipping
 * nested values by depth without building them, so it costs far less than the parse that came before it.
 * Structural characters are ASCII, which never occurs inside a UTF-16 surrogate pair, so the indices are
 * safe to slice with.
 */
export function jsonMemberSpan(text: string, name: string): TextSpan | undefined {
  let found: TextSpan | undefined;
  let at = skipWhitespace(text, 0);
  if (text.charCodeAt(at) !== OPEN_OBJECT) return undefined;
  at = skipWhitespace(text, at + 1);
  if (text.charCodeAt(at) === CLOSE_OBJECT) return undefined;
  for (;;) {
    const nameEnd = stringEnd(text, at);
    const memberName = text.slice(at + 1, nameEnd - 1);
    const matches = (memberName.includes('\\') ? JSON.parse(text.slice(at, nameEnd)) : memberName) === name;
    at = skipWhitespace(text, nameEnd);
    requireChar(text, at, COLON);
    const start = skipWhitespace(text, at + 1);
    const end = valueEnd(text, start);
    if (matches) found = { start, end };
    at = skipWhitespace(text, end);
    if (text.charCodeAt(at) === CLOSE_OBJECT) return found;
    requireChar(text, at, COMMA);
    at = skipWhitespace(text, at + 1);
  }
}

function skipWhitespace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at += 1;
  return at;
}

/** The index just past the string literal whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  requireChar(text, start, QUOTE);
  let at = start + 1;
  for (;;) {
    if (at >= text.length) throw new SyntaxError(`unterminated string starting at ${start}`);
    const code = text.charCodeAt(at);
    if (code === QUOTE) return at + 1;
    // The escaped character, whatever it is (`\"`, `\\`, the `u` of `\u0022`), cannot end the string.
    at += code === BACKSLASH ? 2 : 1;
  }
}

/** The index just past the value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return containerEnd(text, start);
  // A number, true, false or null: it runs to the next delimiter.
  let at = start;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || isWhitespace(code)) break;
    at += 1;
  }
  if (at === start) throw new SyntaxError(`expected a value at ${start}`);
  return at;
}

/**
 * The index just past the object or array opening at `start`. In valid JSON the brackets outside strings
 * balance, so counting depth finds the end without telling objects from arrays.
 */
function containerEnd(text: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      at = stringEnd(text, at);
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
    else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
    at += 1;
  }
  throw new SyntaxError(`unterminated object or array starting at ${start}`);
}

function requireChar(text: string, at: number, code: number): void {
  if (text.charCodeAt(at) !== code) {
    throw new SyntaxError(`expected ${JSON.stringify(String.fromCharCode(code))} at ${at}`);
  }
}
