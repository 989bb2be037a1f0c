import { EVENT_TYPES, type EventType } from '@smart-dairy/schemas';
import { z } from 'zod';

// Postgres text and jsonb cannot hold NUL: caught here, it is a 400 instead of a database error.
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

export const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with a zone');

export const eventType = z
  .enum(EVENT_TYPES as readonly EventType[] as [EventType, ...EventType[]])
  .describe('A catalog event type');

/** Date columns as the API writes them. */
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;

/** The body of an action that takes no input: nothing, `{}`, and no unknown field. */
export const EmptyBody = z.strictObject({});
