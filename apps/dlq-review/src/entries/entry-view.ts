import { Priority, ReviewStatus, type DeadLetterEntry, type Prisma } from '@smart-dairy/db';
import { attemptRecordSchema, type DeadLetter } from '@smart-dairy/messages';
import { z } from 'zod';

/**
 * The event of the dead letter as the partner received it in every attempt's envelope (the envelope's
 * `webhook_id` is the entry's subscription id and its `attempt` changes, so neither is stored), shown to
 * reviewers. A replay does not send it: the dispatcher sends what Postgres holds for the delivery.
 */
const storedPayloadSchema = z.object({
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
  orderingKey: true,
} as const satisfies Prisma.DeadLetterEntrySelect;

type SummaryRow = Pick<DeadLetterEntry, keyof typeof SUMMARY_COLUMNS>;

const timestamp = z.iso.datetime();

/** An entry as the list shows it: every column but the payload and the history. */
export const EntrySummary = z.object({
  id: z.string(),
  delivery_id: z.string().describe('Sent as X-Webhook-ID; a replay sends the same'),
  subscription_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  priority: z.enum(Priority),
  error_class: z.string(),
  final_error: z.string(),
  review_status: z.enum(ReviewStatus),
  moved_at: timestamp.describe('When the delivery moved to the DLQ'),
  replay_count: z.number().int(),
  last_replayed_at: timestamp.nullable(),
  resolved_at: timestamp.nullable(),
  archived_at: timestamp.nullable(),
  ordering: z
    .object({
      key: z.string().describe("The event's ordering key"),
      later_events_went_ahead: z
        .literal(true)
        .describe(
          'The dead letter let the later events of the key go: they were sent without waiting for it',
        ),
    })
    .nullable()
    .describe(
      'Set when the subscription delivers in order per key (`ordering: per_key`). A replay of this entry is ' +
        'sent out of order, after later events of its key',
    )
    .meta({ examples: [{ key: 'ORD-2024-001', later_events_went_ahead: true }] }),
});
export type EntrySummary = z.output<typeof EntrySummary>;

export const AttemptView = z.object({
  attempt: z.number().int(),
  status_code: z.number().int().nullable().describe("The endpoint's HTTP status; null when none came"),
  error_class: z.string().nullable(),
  error: z.string().nullable(),
  latency_ms: z.number().int(),
  response_body: z.string().nullable().describe('The first bytes of the response body'),
  response_body_truncated: z
    .boolean()
    .describe("The body is only the start of the answer: the delivery's attempt rows keep more"),
  started_at: timestamp,
  finished_at: timestamp,
});
export type AttemptView = z.output<typeof AttemptView>;

export const EntryDetail = EntrySummary.extend({
  payload: storedPayloadSchema.describe('The event as every attempt sent it'),
  history: z.array(AttemptView).describe('The latest attempts, oldest first'),
  omitted_attempts: z
    .number()
    .int()
    .describe('Earlier attempts the history leaves out: the dead letter carried only the latest ones'),
  history_shortened: z
    .boolean()
    .describe('True when the history is not all there is: attempts left out, or response bodies cut'),
});
export type EntryDetail = z.output<typeof EntryDetail>;

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
    ordering: row.orderingKey === null ? null : { key: row.orderingKey, later_events_went_ahead: true },
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
