import type { DeadLetterEntry, Prisma } from '@smart-dairy/db';
import { attemptRecordSchema, type DeadLetter } from '@smart-dairy/messages';
import { z } from 'zod';

/**
 * What a replay sends again: the event as the partner receives it in every attempt's envelope (the
 * envelope's `webhook_id` is the entry's subscription id and its `attempt` changes, so neither is stored).
 */
export const storedPayloadSchema = z.object({
  id: z.string().min(1),
  event: z.string().min(1),
  timestamp: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

export type StoredPayload = z.infer<typeof storedPayloadSchema>;

const storedHistorySchema = z.array(attemptRecordSchema);

export function payloadOf(letter: DeadLetter): StoredPayload {
  return { id: letter.eventId, event: letter.eventType, timestamp: letter.occurredAt, data: letter.data };
}

/** Entries are keyed by their delivery, so the same dead letter always maps to the same entry id. */
export function entryIdOf(deliveryId: string): string {
  return `dlq_${deliveryId.slice('wh_'.length)}`;
}

/** Every column but the two large JSON ones, which only the detail view reads. */
export const SUMMARY_COLUMNS = {
  id: true,
  deliveryId: true,
  subscriptionId: true,
  eventId: true,
  eventType: true,
  priority: true,
  errorClass: true,
  finalError: true,
  reviewStatus: true,
  movedAt: true,
  replayCount: true,
  lastReplayedAt: true,
  resolvedAt: true,
  archivedAt: true,
} as const satisfies Prisma.DeadLetterEntrySelect;

type SummaryRow = Pick<DeadLetterEntry, keyof typeof SUMMARY_COLUMNS>;

export interface EntrySummary {
  id: string;
  delivery_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  priority: string;
  error_class: string;
  final_error: string;
  review_status: string;
  moved_at: string;
  replay_count: number;
  last_replayed_at: string | null;
  resolved_at: string | null;
  archived_at: string | null;
}

export interface AttemptView {
  attempt: number;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  latency_ms: number;
  response_body: string | null;
  /** The body is only the start of the answer: the delivery's attempt rows keep more. */
  response_body_truncated: boolean;
  started_at: string;
  finished_at: string;
}

export interface EntryDetail extends EntrySummary {
  payload: StoredPayload;
  /** The latest attempts, oldest first. */
  history: AttemptView[];
  /** Earlier attempts `history` leaves out: the dead letter carried only the latest ones. */
  omitted_attempts: number;
  /** True when the history is not all there is: attempts left out, or response bodies cut. */
  history_shortened: boolean;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function summaryOf(row: SummaryRow): EntrySummary {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    priority: row.priority,
    error_class: row.errorClass,
    final_error: row.finalError,
    review_status: row.reviewStatus,
    moved_at: row.movedAt.toISOString(),
    replay_count: row.replayCount,
    last_replayed_at: iso(row.lastReplayedAt),
    resolved_at: iso(row.resolvedAt),
    archived_at: iso(row.archivedAt),
  };
}

/** The JSON columns were written by intake from validated messages; a row that fails here is corrupt. */
export function detailOf(row: DeadLetterEntry): EntryDetail {
  const history = storedHistorySchema.parse(row.history).map((a): AttemptView => ({
    attempt: a.attempt,
    status_code: a.statusCode,
    error_class: a.errorClass,
    error: a.error,
    latency_ms: a.latencyMs,
    response_body: a.responseBody,
    response_body_truncated: a.responseBodyTruncated ?? false,
    started_at: a.startedAt,
    finished_at: a.finishedAt,
  }));
  return {
    ...summaryOf(row),
    payload: storedPayloadSchema.parse(row.payload),
    history,
    omitted_attempts: row.omittedAttempts,
    history_shortened: row.omittedAttempts > 0 || history.some((a) => a.response_body_truncated),
  };
}
