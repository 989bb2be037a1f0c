import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type ApiKey, type ReviewStatus } from '@smart-dairy/db';
import { NotFoundProblem, ProblemError } from '@smart-dairy/http-problem';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from '../config';
import type { EntryFilter } from '../entries/entry-filter';
import { EntryQueries } from '../entries/entry-queries';
import { ARCHIVABLE, EntryStore, REPLAYABLE, type ReplayRow } from '../entries/entry-store';
import type { EntrySummary } from '../entries/entry-view';
import { DlqMetrics } from '../dlq-metrics';
import { ReplayTasks } from './replay-tasks';

/** At most this many entries per bulk request, as Svix's recover bounds a time range. */
export const MAX_BULK_ENTRIES = 10_000;

export type Selection = { ids: string[] } | { filter: EntryFilter };

export interface BulkCounts {
  /** Entries asked for: the distinct ids given, or those the filter selected (at most MAX_BULK_ENTRIES). */
  requested: number;
  /** Requested entries left as they were: unknown ids, entries in another status, lost races. */
  skipped: number;
  /** The filter selected more than MAX_BULK_ENTRIES; send the request again for the rest. */
  has_more: boolean;
}

type Action = 'replay' | 'archive';

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

  async replayOne(id: string, actor: ApiKey): Promise<EntrySummary> {
    const replayed = await this.replay([id]);
    return this.changedOne(id, replayed.length, 'replay', actor);
  }

  async archiveOne(id: string, actor: ApiKey): Promise<EntrySummary> {
    return this.changedOne(id, await this.archive([id]), 'archive', actor);
  }

  async replayMany(selection: Selection, actor: ApiKey): Promise<BulkCounts & { replayed: number }> {
    const counts = await this.bulk(selection, REPLAYABLE, async (ids) => (await this.replay(ids)).length);
    await this.audit(actor, 'replay', null, { selection: describe(selection), ...counts });
    return {
      requested: counts.requested,
      replayed: counts.changed,
      skipped: counts.skipped,
      has_more: counts.has_more,
    };
  }

  async archiveMany(selection: Selection, actor: ApiKey): Promise<BulkCounts & { archived: number }> {
    const counts = await this.bulk(selection, ARCHIVABLE, (ids) => this.archive(ids));
    await this.audit(actor, 'archive', null, { selection: describe(selection), ...counts });
    return {
      requested: counts.requested,
      archived: counts.changed,
      skipped: counts.skipped,
      has_more: counts.has_more,
    };
  }

  private async replay(ids: readonly string[]): Promise<ReplayRow[]> {
    const rows = await this.store.startReplay(ids, new Date());
    try {
      await this.tasks.send(rows);
    } catch (error) {
      await this.store.abandonReplay(rows.map((row) => row.id));
      throw error;
    }
    this.metrics.actions.inc({ action: 'replay' }, rows.length);
    return rows;
  }

  private async archive(ids: readonly string[]): Promise<number> {
    const archived = await this.store.archive(ids, new Date());
    this.metrics.actions.inc({ action: 'archive' }, archived);
    return archived;
  }

  private async bulk(
    selection: Selection,
    from: readonly ReviewStatus[],
    change: (ids: string[]) => Promise<number>,
  ): Promise<BulkCounts & { changed: number }> {
    const selected =
      'ids' in selection
        ? [...new Set(selection.ids)]
        : await this.store.idsMatching(selection.filter, from, MAX_BULK_ENTRIES + 1);
    const ids = selected.slice(0, MAX_BULK_ENTRIES);
    let changed = 0;
    for (let start = 0; start < ids.length; start += this.config.DLQ_BULK_CHUNK_SIZE) {
      changed += await change(ids.slice(start, start + this.config.DLQ_BULK_CHUNK_SIZE));
    }
    return {
      requested: ids.length,
      changed,
      skipped: ids.length - changed,
      has_more: selected.length > MAX_BULK_ENTRIES,
    };
  }

  private async changedOne(
    id: string,
    changed: number,
    action: Action,
    actor: ApiKey,
  ): Promise<EntrySummary> {
    const entry = await this.queries.summary(id);
    if (!entry) throw new NotFoundProblem(`Dead letter entry ${id} not found.`);
    if (changed === 0) {
      const allowed = (action === 'replay' ? REPLAYABLE : ARCHIVABLE).join(' or ');
      throw new ProblemError(
        'conflict',
        `Entry ${id} is ${entry.review_status}; only ${allowed} entries can be ${action}d.`,
      );
    }
    await this.audit(actor, action, id, {});
    return entry;
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
