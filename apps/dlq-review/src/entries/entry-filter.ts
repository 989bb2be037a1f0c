import { Prisma, ReviewStatus } from '@smart-dairy/db';
import { isoTimestamp } from '@smart-dairy/schemas';
import { z } from 'zod';

const term = z.string().min(1).max(255);

/** The filter of the review list, shared by `GET /v1/dlq` and the bulk actions. */
export const entryFilterShape = {
  status: z.enum(ReviewStatus).optional(),
  event_type: term.optional(),
  subscription_id: term.optional(),
  error_class: term.optional(),
  /** Moved to the DLQ at or after this instant. */
  moved_since: isoTimestamp.optional(),
  /** Moved to the DLQ before this instant. */
  moved_until: isoTimestamp.optional(),
};

/** Timestamps may carry different offsets, so they are compared as instants. */
export function refineTimeRange(
  { moved_since: since, moved_until: until }: { moved_since?: string; moved_until?: string },
  ctx: z.RefinementCtx,
): void {
  if (since && until && new Date(since) >= new Date(until)) {
    ctx.addIssue({ code: 'custom', path: ['moved_until'], message: 'must be later than moved_since' });
  }
}

export const entryFilterSchema = z.strictObject(entryFilterShape).superRefine(refineTimeRange);

export type EntryFilter = z.output<typeof entryFilterSchema>;

/** The facets the list counts by, with their columns; each is counted under every filter but its own. */
export const FACETS = {
  status: 'reviewStatus',
  event_type: 'eventType',
  subscription_id: 'subscriptionId',
  error_class: 'errorClass',
} as const satisfies Record<string, Prisma.DeadLetterEntryScalarFieldEnum>;

export type Facet = keyof typeof FACETS;

export function entryWhere(filter: EntryFilter): Prisma.DeadLetterEntryWhereInput {
  const where: Prisma.DeadLetterEntryWhereInput = {};
  if (filter.status) where.reviewStatus = filter.status;
  if (filter.event_type) where.eventType = filter.event_type;
  if (filter.subscription_id) where.subscriptionId = filter.subscription_id;
  if (filter.error_class) where.errorClass = filter.error_class;
  if (filter.moved_since || filter.moved_until) {
    where.movedAt = {
      ...(filter.moved_since && { gte: new Date(filter.moved_since) }),
      ...(filter.moved_until && { lt: new Date(filter.moved_until) }),
    };
  }
  return where;
}

export function withoutFacet(filter: EntryFilter, facet: Facet): EntryFilter {
  const { [facet]: _omitted, ...rest } = filter;
  return rest;
}
