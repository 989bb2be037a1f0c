import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, ReviewStatus } from '@smart-dairy/db';
import { NotFoundProblem } from '@smart-dairy/http-problem';
import { encodeCursor, type PagePosition } from '@smart-dairy/pagination';
import { z } from 'zod';
import { FACETS, entryWhere, withoutFacet, type EntryFilter, type Facet } from './entry-filter';
import { EntrySummary, SUMMARY_COLUMNS, detailOf, summaryOf, type EntryDetail } from './entry-view';

export interface ListQuery extends EntryFilter {
  limit: number;
  /** Where the previous page ended, in the list's order: newest first by (movedAt, id). */
  cursor?: PagePosition;
}

const FacetCount = z.object({ value: z.string(), count: z.number().int() });
type FacetCount = z.output<typeof FacetCount>;

/** The most frequent values listed per facet; the long tail is reached by filtering. */
const FACET_VALUES = 25;

const facetCounts = z.array(FacetCount).describe(`The ${FACET_VALUES} most frequent values`);

/** Each facet is counted under every filter but its own. */
const EntryCounts = z.object({
  total: z.number().int().describe('Entries matching the whole filter'),
  by_status: z.record(z.enum(ReviewStatus), z.number().int()),
  by_error_class: facetCounts,
  by_subscription: facetCounts,
  by_event_type: facetCounts,
});
type EntryCounts = z.output<typeof EntryCounts>;

export const EntryPage = z.object({
  data: z.array(EntrySummary),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  counts: EntryCounts,
});
export type EntryPage = z.output<typeof EntryPage>;

interface StatusCount {
  status: ReviewStatus;
  count: number;
}

@Injectable()
export class EntryQueries {
  constructor(private readonly prisma: PrismaService) {}

  async list({ limit, cursor, ...filter }: ListQuery): Promise<EntryPage> {
    const where: Prisma.DeadLetterEntryWhereInput = cursor
      ? {
          AND: [
            entryWhere(filter),
            { OR: [{ movedAt: { lt: cursor.at } }, { movedAt: cursor.at, id: { lt: cursor.id } }] },
          ],
        }
      : entryWhere(filter);
    const [rows, counts] = await Promise.all([
      this.prisma.deadLetterEntry.findMany({
        where,
        select: SUMMARY_COLUMNS,
        orderBy: [{ movedAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      }),
      this.counts(filter),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(summaryOf),
      next_cursor: rows.length > limit && last ? encodeCursor({ at: last.movedAt, id: last.id }) : null,
      counts,
    };
  }

  async get(id: string): Promise<EntryDetail> {
    const row = await this.prisma.deadLetterEntry.findUnique({ where: { id } });
    if (!row) throw new NotFoundProblem(`Dead letter entry ${id} not found.`);
    return detailOf(row);
  }

  async summary(id: string): Promise<EntrySummary | undefined> {
    const row = await this.prisma.deadLetterEntry.findUnique({ where: { id }, select: SUMMARY_COLUMNS });
    return row ? summaryOf(row) : undefined;
  }

  /**
   * Entries per review status, each counted up to `limit`: one bounded walk of the (review_status, moved_at)
   * index per status, however many entries pile up.
   */
  statusCounts(limit: number): Promise<StatusCount[]> {
    return this.prisma.$queryRaw<StatusCount[]>`
      SELECT s."status", (SELECT count(*) FROM (
        SELECT 1 FROM "dead_letter_entries" WHERE "review_status" = s."status" LIMIT ${limit}) AS e)::int AS "count"
      FROM unnest(enum_range(NULL::"ReviewStatus")) AS s("status")`;
  }

  private async counts(filter: EntryFilter): Promise<EntryCounts> {
    const [total, status, errorClass, subscription, eventType] = await Promise.all([
      this.prisma.deadLetterEntry.count({ where: entryWhere(filter) }),
      this.facet(filter, 'status'),
      this.facet(filter, 'error_class'),
      this.facet(filter, 'subscription_id'),
      this.facet(filter, 'event_type'),
    ]);
    const byStatus = Object.fromEntries(Object.values(ReviewStatus).map((s) => [s, 0])) as Record<
      ReviewStatus,
      number
    >;
    for (const { value, count } of status) byStatus[value as ReviewStatus] = count;
    return {
      total,
      by_status: byStatus,
      by_error_class: errorClass,
      by_subscription: subscription,
      by_event_type: eventType,
    };
  }

  private async facet(filter: EntryFilter, facet: Facet): Promise<FacetCount[]> {
    const column = FACETS[facet];
    const groups = await this.prisma.deadLetterEntry.groupBy({
      by: [column],
      where: entryWhere(withoutFacet(filter, facet)),
      _count: { _all: true },
      orderBy: { _count: { id: 'desc' } },
      take: FACET_VALUES,
    });
    return groups.map((group) => ({ value: String(group[column]), count: group._count._all }));
  }
}
