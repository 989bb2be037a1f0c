import { z } from 'zod';

/** Where a page ended, in a list ordered newest first by a time and then by id (ties broken by id). */
export interface PagePosition {
  readonly at: Date;
  readonly id: string;
}

/** Room for the position of any id up to 100 ASCII characters; the platform's ids have 31 to 36. */
export const MAX_CURSOR_LENGTH = 200;

const NOT_A_CURSOR = 'not a cursor returned by this API';

const positionJson = z.tuple([z.iso.datetime(), z.string().min(1)]);

export function encodeCursor({ at, id }: PagePosition): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/**
 * The `cursor` query parameter, parsed to the position it holds. Cursors are opaque to clients: anything
 * `encodeCursor` did not make is one issue on the parameter, so the API answers it like any invalid
 * query parameter.
 */
export const cursorParam = z
  .string()
  .max(MAX_CURSOR_LENGTH, NOT_A_CURSOR)
  .transform((cursor, ctx): PagePosition => {
    const position = positionJson.safeParse(decodeJson(cursor));
    if (position.success) return { at: new Date(position.data[0]), id: position.data[1] };
    ctx.addIssue(NOT_A_CURSOR);
    return z.NEVER;
  });

function decodeJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
