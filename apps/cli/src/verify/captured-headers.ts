import { messageOf } from '../error-message';

export type CapturedHeaders = Readonly<Record<string, string | readonly string[]>>;

export type HeadersResult =
  { readonly ok: true; readonly headers: CapturedHeaders } | { readonly ok: false; readonly message: string };

/** `POST /webhooks HTTP/1.1`, the first line of a request copied from a log or `curl -v`. */
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/;

/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads the headers of a captured request: a JSON object of names to values (Node's `req.headers`, or
 * written by hand), or `Name: value` lines as request inspectors show them.
 */
export function parseCapturedHeaders(text: string): HeadersResult {
  return /^\s*[[{]/.test(text) ? fromJson(text) : fromLines(text);
}

function fromJson(text: string): HeadersResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${messageOf(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'expected a JSON object of header names to values' };
  }
  const headers: Record<string, string | readonly string[]> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue === 'string' || typeof headerValue === 'number') {
      headers[name] = String(headerValue);
    } else if (Array.isArray(headerValue) && headerValue.every((item) => typeof item === 'string')) {
      headers[name] = headerValue;
    } else {
      const message = `header ${JSON.stringify(name)} is neither a string nor a list of strings`;
      return { ok: false, message };
    }
  }
  return { ok: true, headers };
}

function fromLines(text: string): HeadersResult {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || (index === 0 && REQUEST_LINE.test(line.trim()))) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) {
      return { ok: false, message: `line ${index + 1} is not "Name: value": ${JSON.stringify(line)}` };
    }
    // The first of repeated headers wins, as in the validator.
    headers[name.toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return { ok: true, headers };
}
