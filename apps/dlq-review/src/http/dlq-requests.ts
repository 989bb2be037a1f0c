import { cursorParam } from '@smart-dairy/pagination';
import { z } from 'zod';
import { entryFilterShape, entryFilterSchema, refineTimeRange } from '../entries/entry-filter';
import { MAX_BULK_ENTRIES } from '../review/review-actions';

const MAX_PAGE = 200;

export const listQuerySchema = z
  .strictObject({
    ...entryFilterShape,
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
    cursor: cursorParam.optional(),
  })
  .superRefine(refineTimeRange);

const entryId = z.string().regex(/^dlq_[0-9a-f]{32}$/, 'expected an entry id such as dlq_5f0c8e2a...');

/** A bulk action names its entries, or selects them with the list's filter; not both. */
export const bulkSelectionSchema = z
  .strictObject({
    ids: z.array(entryId).min(1).max(MAX_BULK_ENTRIES).optional(),
    filter: entryFilterSchema.optional(),
  })
  .transform((body, ctx) => {
    if (body.ids && !body.filter) return { ids: body.ids };
    if (body.filter && !body.ids) return { filter: body.filter };
    ctx.addIssue({ code: 'custom', path: [], message: 'send either "ids" or "filter", exactly one of them' });
    return z.NEVER;
  });
