const DELTA_SECONDS = /^\d+$/;
// Only the IMF-fixdate form: the obsolete RFC 850 and asctime forms carry no zone, which Date.parse would
// read as local time, and servers have not sent them for decades.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Milliseconds a `Retry-After` header asks to wait from `now`: 0 for a date already past, undefined for a
 * value that is neither delta-seconds nor an HTTP date.
 */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
