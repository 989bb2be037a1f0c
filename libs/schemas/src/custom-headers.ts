import { problem, type Problem } from './problem';

/** A subscription's own header, sent as given on every attempt of its deliveries. */
export type CustomHeader = readonly [name: string, value: string];

export const MAX_CUSTOM_HEADERS = 20;
export const MAX_CUSTOM_HEADER_NAME_LENGTH = 64;
export const MAX_CUSTOM_HEADER_VALUE_BYTES = 1024;
/** Names and values together: receivers commonly refuse more than 8 to 16 KiB of headers in all. */
export const MAX_CUSTOM_HEADERS_BYTES = 8192;

/** An HTTP field name (RFC 7230 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Visible ASCII with spaces and tabs inside: no CR, LF or other control character (a header could be
 * split or smuggled otherwise), nothing beyond ASCII (Node and receivers read such bytes differently),
 * and no space at either end (HTTP strips it, so the receiver would see another value).
 */
const FIELD_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

const PLATFORM = 'is set by the platform';
const HOP_BY_HOP = 'is a hop-by-hop header';

/** Names (lowercase) a subscription cannot set, with the reason its problem gives. */
const RESERVED_NAMES: ReadonlyMap<string, string> = new Map([
  ['content-type', PLATFORM],
  ['content-length', PLATFORM],
  ['content-encoding', PLATFORM],
  ['user-agent', PLATFORM],
  ['host', PLATFORM],
  ['x-event-type', PLATFORM],
  ['connection', HOP_BY_HOP],
  ['keep-alive', HOP_BY_HOP],
  ['transfer-encoding', HOP_BY_HOP],
  ['te', HOP_BY_HOP],
  ['trailer', HOP_BY_HOP],
  ['upgrade', HOP_BY_HOP],
  ['expect', 'changes how the request is sent'],
]);
/** Prefixes (lowercase): the platform's signature headers of both schemes, and the proxies' headers. */
const RESERVED_PREFIXES: readonly (readonly [string, string])[] = [
  ['x-webhook-', PLATFORM],
  ['webhook-', PLATFORM],
  ['proxy-', HOP_BY_HOP],
];

/** Why the platform keeps this header name to itself, or undefined when a subscription may set it. */
export function reservedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  return RESERVED_NAMES.get(lower) ?? RESERVED_PREFIXES.find(([prefix]) => lower.startsWith(prefix))?.[1];
}

/**
 * Every problem of a subscription's custom headers, each at the name of the header it is about (`''` for
 * the set as a whole). Messages never repeat a value: values may be credentials.
 */
export function customHeaderProblems(headers: Readonly<Record<string, string>>): Problem[] {
  const entries = Object.entries(headers);
  const problems: Problem[] = [];
  if (entries.length > MAX_CUSTOM_HEADERS) {
    problems.push(problem('', `at most ${MAX_CUSTOM_HEADERS} custom headers, got ${entries.length}`));
  }
  const seen = new Map<string, string>();
  let bytes = 0;
  for (const [name, value] of entries) {
    bytes += name.length + Buffer.byteLength(value, 'utf8');
    const nameProblem = headerNameProblem(name, seen);
    if (nameProblem !== undefined) problems.push(problem(name, nameProblem));
    seen.set(name.toLowerCase(), name);
    const valueProblem = headerValueProblem(value);
    if (valueProblem !== undefined) problems.push(problem(name, valueProblem));
  }
  if (bytes > MAX_CUSTOM_HEADERS_BYTES) {
    problems.push(problem('', `names and values take at most ${MAX_CUSTOM_HEADERS_BYTES} bytes in all`));
  }
  return problems;
}

function headerNameProblem(name: string, seen: ReadonlyMap<string, string>): string | undefined {
  if (!TOKEN.test(name) || name.length > MAX_CUSTOM_HEADER_NAME_LENGTH) {
    return `is not a header name: 1 to ${MAX_CUSTOM_HEADER_NAME_LENGTH} letters, digits or !#$%&'*+-.^_\`|~`;
  }
  const reserved = reservedHeaderReason(name);
  if (reserved !== undefined) return `${name} ${reserved}; a subscription cannot set it`;
  const earlier = seen.get(name.toLowerCase());
  if (earlier !== undefined) return `repeats ${earlier}: header names are case-insensitive`;
  return undefined;
}

function headerValueProblem(value: string): string | undefined {
  if (!FIELD_VALUE.test(value)) {
    return 'the value must be printable ASCII, not empty, without spaces at either end, CR, LF or other control characters';
  }
  if (value.length > MAX_CUSTOM_HEADER_VALUE_BYTES) {
    return `the value is longer than ${MAX_CUSTOM_HEADER_VALUE_BYTES} bytes`;
  }
  return undefined;
}

/**
 * The headers of an attempt with the subscription's own added after the platform's. A name the platform
 * reserves is left out even if one was stored, so no custom header can replace, repeat or remove a
 * signature header.
 */
export function withCustomHeaders(
  platform: Readonly<Record<string, string>>,
  custom: readonly CustomHeader[],
): Record<string, string> {
  // fromEntries defines each name as an own property, `__proto__` included (a valid header name).
  return Object.fromEntries([
    ...Object.entries(platform),
    ...custom.filter(([name]) => reservedHeaderReason(name) === undefined),
  ]);
}
