import { z } from 'zod';

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const MAX_CURSOR_LENGTH = 200;

/** Where the previous page ended, in the newest-first order every list uses. */
export interface PagePosition {
  readonly createdAt: Date;
  readonly id: string;
}

const positionJson = z.strictObject({ t: z.iso.datetime(), i: z.string().min(1).max(100) });

export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Page size, 1 to ${MAX_PAGE_SIZE}`),
  cursor: z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .transform((cursor, ctx): PagePosition => {
      const position = positionJson.safeParse(decodeCursorJson(cursor));
      if (position.success) return { createdAt: new Date(position.data.t), id: position.data.i };
      ctx.addIssue('is not a cursor returned by this API');
      return z.NEVER;
    })
    .optional()
    .describe('The next_cursor of the previous page'),
};

function decodeCursorJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function encodeCursor({ createdAt, id }: PagePosition): string {
  return Buffer.from(JSON.stringify({ t: createdAt.toISOString(), i: id })).toString('base64url');
}

/** The rows after the position, for a query ordered by `createdAt desc, id desc`. */
export function after(position: PagePosition | undefined) {
  if (!position) return {};
  return {
    OR: [
      { createdAt: { lt: position.createdAt } },
      { createdAt: position.createdAt, id: { lt: position.id } },
    ],
  };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const;

export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
}

/** Cuts the `limit + 1` rows a query fetched to a page; the extra row only says that more follow. */
export function toPage<R extends PagePosition, T>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(view),
    next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** The zod schema of a page of `item`, for the OpenAPI document. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}
