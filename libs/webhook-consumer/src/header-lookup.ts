/** Request headers as Node (`IncomingHttpHeaders`), most frameworks (plain objects) or fetch (`Headers`) give them. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** The value of a header looked up case-insensitively; empty values count as absent. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  const raw = isFetchHeaders(headers) ? headers.get(name) : recordValue(headers, name);
  // Repeated headers arrive as arrays; the first is used, which is safe because every header that matters
  // for trust is either signed or compared with the signed body.
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

function isFetchHeaders(headers: HeaderSource): headers is { get(name: string): string | null } {
  return typeof headers.get === 'function';
}

function recordValue(
  headers: Readonly<Record<string, string | readonly string[] | number | undefined>>,
  name: string,
): string | readonly string[] | number | undefined {
  const wanted = name.toLowerCase();
  if (Object.hasOwn(headers, wanted)) return headers[wanted];
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : headers[key];
}
