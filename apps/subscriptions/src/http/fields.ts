import { EVENT_TYPES, refineStorableText, type EventType } from '@smart-dairy/schemas';
import { z } from 'zod';

// What Postgres would refuse or alter is caught here: a 400 instead of a database error or a changed value.
export const text = (max: number) => z.string().max(max).superRefine(refineStorableText);

export const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with a zone');

export const eventType = z
  .enum(EVENT_TYPES as readonly EventType[] as [EventType, ...EventType[]])
  .describe('A catalog event type');

/** Date columns as the API writes them. */
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;

/** The body of an action that takes no input: nothing, `{}`, and no unknown field. */
export const EmptyBody = z.strictObject({});
