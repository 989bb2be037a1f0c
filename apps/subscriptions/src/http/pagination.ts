import { cursorParam, encodeCursor, type PagePosition } from '@smart-dairy/pagination';
import { z } from 'zod';

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

/** A row of a list, which every list orders newest first by (createdAt, id). */
interface ListedRow {
  readonly createdAt: Date;
  readonly id: string;
}

export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Page size, 1 to ${MAX_PAGE_SIZE}`),
  cursor: cursorParam.optional().describe('The next_cursor of the previous page'),
};

/** The rows after the position, for a query ordered by `createdAt desc, id desc`. */
export function after(position: PagePosition | undefined) {
  if (!position) return {};
  return {
    OR: [{ createdAt: { lt: position.at } }, { createdAt: position.at, id: { lt: position.id } }],
  };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const;

export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
}

/** Cuts the `limit + 1` rows a query fetched to a page; the extra row only says that more follow. */
export function toPage<R extends ListedRow, T>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(view),
    next_cursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/** The zod schema of a page of `item`, for the OpenAPI document. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}
