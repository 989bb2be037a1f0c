import { Prisma, ReviewStatus } from '@smart-dairy/db';
import { periodBefore, type RetentionSweep } from '@smart-dairy/service-kit';
import type { DlqReviewConfig } from '../config';

type Periods = Pick<DlqReviewConfig, 'DEAD_LETTER_CLOSED_RETENTION_MS' | 'DEAD_LETTER_OPEN_RETENTION_MS'>;

/** Entries done with, and entries still waiting for someone (or for the outcome of their replay). */
const CLOSED: readonly ReviewStatus[] = [ReviewStatus.resolved, ReviewStatus.archived];
const OPEN: readonly ReviewStatus[] = [ReviewStatus.pending, ReviewStatus.retrying];

const statusIn = (statuses: readonly ReviewStatus[]) =>
  Prisma.sql`t."review_status" = ANY(${[...statuses]}::"ReviewStatus"[])`;

/**
 * dlq-review owns `dead_letter_entries`: an entry done with (resolved or archived) goes after one period,
 * one nobody acted on after a longer one. `updated_at` is an entry's last change: the move, a replay, the
 * resolution or the archiving. Once an entry is gone, the dispatcher deletes its delivery. The sweep walks
 * `(moved_at, id)`, the review list's index, up to the later cutoff: an entry moves before it last changes.
 */
export function entriesSweep(periods: Periods): RetentionSweep {
  const shorter = Math.min(periods.DEAD_LETTER_CLOSED_RETENTION_MS, periods.DEAD_LETTER_OPEN_RETENTION_MS);
  return {
    table: 'dead_letter_entries',
    key: [
      { column: 'moved_at', type: 'timestamp' },
      { column: 'id', type: 'text' },
    ],
    scope: (now) => Prisma.sql`t."moved_at" < ${periodBefore(now, shorter)}`,
    due: (now) => Prisma.sql`
      (${statusIn(CLOSED)} AND t."updated_at" < ${periodBefore(now, periods.DEAD_LETTER_CLOSED_RETENTION_MS)})
      OR (${statusIn(OPEN)} AND t."updated_at" < ${periodBefore(now, periods.DEAD_LETTER_OPEN_RETENTION_MS)})`,
  };
}
