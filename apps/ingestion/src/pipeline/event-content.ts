/**
 * What makes two events with the same id the same event: type, occurrence time (to the millisecond
 * Postgres keeps) and data, compared as canonical JSON so key order and the jsonb round trip do not matter.
 */
export function eventContent(type: string, occurredAt: string | Date, data: unknown): string {
  return canonicalJson({ type, timestamp: new Date(occurredAt).toISOString(), data });
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
