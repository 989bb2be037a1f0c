import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, ReviewStatus } from '@smart-dairy/db';
import type { DeadLetter } from '@smart-dairy/messages';
import { abandonDeadLetterReplay, startDeadLetterReplay, type ReplayRow } from '@smart-dairy/replay';
import { entryWhere, type EntryFilter } from './entry-filter';
import { entryIdOf, payloadOf } from './entry-view';

/** Statuses an entry may be archived from: never while a replay is in flight. */
export const ARCHIVABLE: readonly ReviewStatus[] = [ReviewStatus.pending, ReviewStatus.resolved];

// Timestamps are written as UTC explicitly: the columns have no zone, the session might have one.
const utc = (iso: string) => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;
const utcNow = () => utc(new Date().toISOString());

/**
 * The writes of the review lifecycle. Every status change is one conditional UPDATE, so of two racing
 * requests for the same entry exactly one changes it, and only that one acts on it.
 */
@Injectable()
export class EntryStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores dead letters by delivery id and returns how many rows changed. A dead letter newer than the
   * stored one (a replay that failed again) replaces history and error and puts the entry back to
   * pending; the same or an older one (a message read twice) changes nothing. The newer letter's history
   * holds the latest attempts, those of the replay included, and says how many earlier ones it leaves out.
   */
  async ingest(letters: readonly DeadLetter[]): Promise<number> {
    const latest = latestPerDelivery(letters);
    if (latest.length === 0) return 0;
    const now = utcNow();
    const rows = latest.map(
      (l) => Prisma.sql`(${entryIdOf(l.deliveryId)}, ${l.deliveryId}, ${l.subscriptionId}, ${l.eventId},
        ${l.eventType}, ${l.priority}::"Priority", ${JSON.stringify(payloadOf(l))}::jsonb,
        ${JSON.stringify(l.history)}::jsonb, ${l.omittedAttempts ?? 0}, ${l.finalError}, ${l.errorClass},
        ${utc(l.movedAt)}, ${now}, ${l.orderingKey ?? null})`,
    );
    return this.prisma.$executeRaw`
      INSERT INTO "dead_letter_entries" ("id", "delivery_id", "subscription_id", "event_id", "event_type",
        "priority", "payload", "history", "omitted_attempts", "final_error", "error_class", "moved_at",
        "updated_at", "ordering_key")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("delivery_id") DO UPDATE SET
        "priority" = EXCLUDED."priority", "payload" = EXCLUDED."payload", "history" = EXCLUDED."history",
        "omitted_attempts" = EXCLUDED."omitted_attempts", "ordering_key" = EXCLUDED."ordering_key",
        "final_error" = EXCLUDED."final_error", "error_class" = EXCLUDED."error_class",
        "moved_at" = EXCLUDED."moved_at", "review_status" = 'pending', "resolved_at" = NULL,
        "archived_at" = NULL, "updated_at" = EXCLUDED."updated_at"
      WHERE "dead_letter_entries"."moved_at" < EXCLUDED."moved_at"`;
  }

  /** Ids of the entries in one of `statuses` matching the filter, oldest first, at most `limit`. */
  async idsMatching(
    filter: EntryFilter,
    statuses: readonly ReviewStatus[],
    limit: number,
  ): Promise<string[]> {
    const rows = await this.prisma.deadLetterEntry.findMany({
      where: { AND: [entryWhere(filter), { reviewStatus: { in: [...statuses] } }] },
      select: { id: true },
      orderBy: [{ movedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  /**
   * Moves the replayable ones among `ids` to retrying and returns them, with the replay request recorded on
   * their deliveries (`startDeadLetterReplay`, the transition a subscription's recover shares).
   */
  startReplay(ids: readonly string[], now: Date): Promise<ReplayRow[]> {
    return startDeadLetterReplay(this.prisma, { id: { in: [...ids] } }, now);
  }

  abandonReplay(rows: readonly ReplayRow[], requestedAt: Date): Promise<void> {
    return abandonDeadLetterReplay(this.prisma, rows, requestedAt);
  }

  async archive(ids: readonly string[], now: Date): Promise<number> {
    const { count } = await this.prisma.deadLetterEntry.updateMany({
      where: { id: { in: [...ids] }, reviewStatus: { in: [...ARCHIVABLE] } },
      data: { reviewStatus: ReviewStatus.archived, archivedAt: now },
    });
    return count;
  }

  /**
   * A delivery that succeeded resolves its entry: after a replay from here, or after a retry made
   * elsewhere while the entry was pending. Only a success later than the move counts, since outcomes and
   * dead letters travel on different topics and a lagging outcome may predate the entry. Archived
   * entries stay archived.
   */
  async resolveDelivered(successes: readonly { deliveryId: string; at: string }[]): Promise<number> {
    if (successes.length === 0) return 0;
    const rows = successes.map((s) => Prisma.sql`(${s.deliveryId}, ${utc(s.at)})`);
    return this.prisma.$executeRaw`
      UPDATE "dead_letter_entries" AS e
      SET "review_status" = 'resolved', "resolved_at" = d."at", "updated_at" = ${utcNow()}
      FROM (VALUES ${Prisma.join(rows)}) AS d ("delivery_id", "at")
      WHERE e."delivery_id" = d."delivery_id" AND e."review_status" IN ('pending', 'retrying')
        AND e."moved_at" < d."at"`;
  }
}

/** One row per delivery: Postgres refuses to upsert the same row twice in one statement. */
function latestPerDelivery(letters: readonly DeadLetter[]): DeadLetter[] {
  const latest = new Map<string, DeadLetter>();
  for (const letter of letters) {
    const kept = latest.get(letter.deliveryId);
    if (!kept || Date.parse(kept.movedAt) < Date.parse(letter.movedAt)) latest.set(letter.deliveryId, letter);
  }
  return [...latest.values()];
}
