import { z } from 'zod';

/**
 * An RFC 3339 / ISO 8601 date-time with seconds and an explicit zone: `Z` or a `±HH:MM` offset, with any
 * number of fractional digits. Zone-less local times are rejected because they cannot be placed on the
 * timeline; offsets are accepted because producers in other zones emit them and they are unambiguous.
 * Calendar validity is checked too (no 30 February, no hour 24).
 */
export const isoTimestamp = z.iso.datetime({ offset: true });

// The fields of a timestamp `isoTimestamp` accepts.
const TIMESTAMP_FIELDS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(?:Z|([+-])(\d\d):(\d\d))$/;

/**
 * The same instant written in UTC with `Z`: the envelope's `timestamp` (docs/protocol.md#envelope). A `Z`
 * timestamp is returned as written, so a producer's `10:30:00Z` is not turned into `10:30:00.000Z`; an
 * offset is applied to the date and time fields, and the fraction of a second is kept digit for digit, as
 * precise as the producer wrote it. Pure text arithmetic: no rounding through a millisecond `Date`.
 * Idempotent. Meant for timestamps `isoTimestamp` accepted: throws a RangeError on text not of that shape.
 */
export function toUtcTimestamp(timestamp: string): string {
  const fields = TIMESTAMP_FIELDS.exec(timestamp);
  if (fields === null)
    throw new RangeError(`not an RFC 3339 timestamp with a zone: ${JSON.stringify(timestamp)}`);
  const [, year, month, day, hour, minute, second, fraction = '', sign, offsetHours, offsetMinutes] = fields;
  if (sign === undefined) return timestamp;
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  const instant = new Date(0);
  instant.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  instant.setUTCHours(Number(hour), Number(minute) - offset, Number(second));
  // toISOString always ends in ".000Z" here: the seconds are whole.
  return `${instant.toISOString().slice(0, -'.000Z'.length)}${fraction}Z`;
}
