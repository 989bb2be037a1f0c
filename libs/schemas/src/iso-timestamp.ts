import { z } from 'zod';

/**
 * An RFC 3339 / ISO 8601 date-time with seconds and an explicit zone: `Z` or a `±HH:MM` offset, with any
 * number of fractional digits. Zone-less local times are rejected because they cannot be placed on the
 * timeline; offsets are accepted because producers in other zones emit them and they are unambiguous.
 * Calendar validity is checked too (no 30 February, no hour 24).
 */
export const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * The same instant written in UTC. `Z` timestamps are kept verbatim (precision included); offset timestamps
 * are converted at millisecond precision, the `.000` dropped when there are no milliseconds.
 */
export function toUtcTimestamp(timestamp: string): string {
  if (timestamp.endsWith('Z')) return timestamp;
  return new Date(timestamp).toISOString().replace('.000Z', 'Z');
}
