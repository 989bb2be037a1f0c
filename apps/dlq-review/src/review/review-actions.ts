import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type ApiKey, type ReviewStatus } from '@smart-dairy/db';
import { NotFoundProblem, ProblemError } from '@smart-dairy/http-problem';
import { REPLAYABLE } from '@smart-dairy/replay';
import { z } from 'zod';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from '../config';
import type { EntryFilter } from '../entries/entry-filter';
import { EntryQueries } from '../entries/entry-queries';
import { ARCHIVABLE, EntryStore } from '../entries/entry-store';
import type { EntrySummary } from '../entries/entry-view';
import { DlqMetrics } from '../dlq-metrics';
import { ReplayTasks } from './replay-tasks';

/** At most this many entries per bulk request, as Svix's recover bounds a time range. */
export const MAX_BULK_ENTRIES = 10_000;

export type Selection = { ids: string[] } | { filter: EntryFilter };

const count = z.number().int().nonnegative();

const BulkCounts = z.object({
  requested: count.describe(
    `Entries asked for: the distinct ids given, or those the filter selected (at most ${MAX_BULK_ENTRIES})`,
  ),
  skipped: count.describe(
    'Requested entries left as they were: unknown ids, entries in another status, lost races',
  ),
  has_more: z
    .boolean()
    .describe(`The filter selected more than ${MAX_BULK_ENTRIES}; send the request again for the rest`),
});
type BulkCounts = z.output<typeof BulkCounts>;

export const ReplayCounts = BulkCounts.extend({ replayed: count });
export type ReplayCounts = z.output<typeof ReplayCounts>;

export const ArchiveCounts = BulkCounts.extend({ archived: count });
export type ArchiveCounts = z.output<typeof ArchiveCounts>;

type Action = 'replay' | 'archive';

const FROM: Readonly<Record<Action, readonly ReviewStatus[]>> = { replay: REPLAYABLE, archive: ARCHIVABLE };

/**
 * Replay and archive, one entry or many. Each entry changes status in one conditional UPDATE before
 * anything is sent, so of concurrent requests for an entry only the one that changed it sends a replay.
 */
@Injectable()
export class ReviewActions {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: EntryStore,
    private readonly queries: EntryQueries,
    private readonly tasks: ReplayTasks,
    private readonly metrics: DlqMetrics,
    @Inject(DLQ_REVIEW_CONFIG) private readonly config: DlqReviewConfig,
  ) {}

  replayOne(id: string, actor: ApiKey): Promise<EntrySummary> {
    return this.one('replay', id, actor);
  }

  archiveOne(id: string, actor: ApiKey): Promise<EntrySummary> {
    return this.one('archive', id, actor);
  }

  async replayMany(selection: Selection, actor: ApiKey): Promise<ReplayCounts> {
    const { changed, ...counts } = await this.many('replay', selection, actor);
    return { ...counts, replayed: changed };
  }

  async archiveMany(selection: Selection, actor: ApiKey): Promise<ArchiveCounts> {
    const { changed, ...counts } = await this.many('archive', selection, actor);
    return { ...counts, archived: changed };
  }

  private async one(action: Action, id: string, actor: ApiKey): Promise<EntrySummary> {
    const changed = await this.change(action, [id]);
    const entry = await this.queries.summary(id);
    if (!entry) throw new NotFoundProblem(`Dead letter entry ${id} not found.`);
    if (changed === 0) {
      throw new ProblemError(
        'conflict',
        `Entry ${id} is ${entry.review_status}; only ${FROM[action].join(' or ')} entries can be ${action}d.`,
      );
    }
    await this.audit(actor, action, id, {});
    return entry;
  }

  private async many(
    action: Action,
    selection: Selection,
    actor: ApiKey,
  ): Promise<BulkCounts & { changed: number }> {
    const selected =
      'ids' in selection
        ? [...new Set(selection.ids)]
        : await this.store.idsMatching(selection.filter, FROM[action], MAX_BULK_ENTRIES + 1);
    const ids = selected.slice(0, MAX_BULK_ENTRIES);
    let changed = 0;
    for (let start = 0; start < ids.length; start += this.config.DLQ_BULK_CHUNK_SIZE) {
      changed += await this.change(action, ids.slice(start, start + this.config.DLQ_BULK_CHUNK_SIZE));
    }
    const counts = {
      requested: ids.length,
      changed,
      skipped: ids.length - changed,
      has_more: selected.length > MAX_BULK_ENTRIES,
    };
    await this.audit(actor, action, null, { selection: describe(selection), ...counts });
    return counts;
  }

  /** Changes what it can of `ids` and returns how many it changed. */
  private async change(action: Action, ids: readonly string[]): Promise<number> {
    const now = new Date();
    let changed: number;
    if (action === 'archive') {
      changed = await this.store.archive(ids, now);
    } else {
      const rows = await this.store.startReplay(ids, now);
      try {
        await this.tasks.send(rows);
      } catch (error) {
        await this.store.abandonReplay(rows, now);
        throw error;
      }
      changed = rows.length;
    }
    this.metrics.actions.inc({ action }, changed);
    return changed;
  }

  private async audit(
    actor: ApiKey,
    action: Action,
    targetId: string | null,
    details: object,
  ): Promise<void> {
    await this.prisma.auditLogEntry.create({
      data: {
        actorKeyId: actor.id,
        actorName: actor.name,
        action: `dlq.${action}`,
        targetType: 'dead_letter_entry',
        targetId,
        details: details as Prisma.InputJsonObject,
      },
    });
  }
}

function describe(selection: Selection): Prisma.InputJsonObject {
  return 'ids' in selection ? { ids: selection.ids.length } : { filter: selection.filter };
}
