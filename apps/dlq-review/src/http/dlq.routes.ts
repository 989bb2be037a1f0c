import { routeTable } from '@smart-dairy/http-api';
import { EntryPage } from '../entries/entry-queries';
import { EntryDetail, EntrySummary } from '../entries/entry-view';
import { ArchiveCounts, ReplayCounts } from '../review/review-actions';
import { bulkSelectionSchema, listQuerySchema } from './dlq-requests';

const ONE = '/v1/dlq/:id';

/** Reads for `read` keys; replays and archives for admin keys only. */
export const DLQ_ROUTES = routeTable('Dead letter queue', {
  list: {
    method: 'get',
    path: '/v1/dlq',
    summary: 'Entries newest first, with counts by status, error class, subscription and event type',
    scopes: ['read'],
    query: listQuerySchema,
    response: EntryPage,
  },
  replayMany: {
    method: 'post',
    path: '/v1/dlq/replay',
    summary:
      'Replay the pending entries named or selected by a filter, oldest first; those of ordered subscriptions ' +
      'out of order',
    body: bulkSelectionSchema,
    status: 202,
    response: ReplayCounts,
  },
  archiveMany: {
    method: 'post',
    path: '/v1/dlq/archive',
    summary: 'Archive the pending or resolved entries named or selected by a filter, oldest first',
    body: bulkSelectionSchema,
    response: ArchiveCounts,
  },
  get: {
    method: 'get',
    path: ONE,
    summary: 'An entry with its payload and attempt history',
    scopes: ['read'],
    response: EntryDetail,
  },
  replay: {
    method: 'post',
    path: `${ONE}/replay`,
    summary:
      'Send the delivery again: same delivery id, fresh retry budget; for an ordered subscription, out of ' +
      'order (see `ordering`)',
    status: 202,
    response: EntrySummary,
    problems: ['conflict'],
  },
  archive: {
    method: 'post',
    path: `${ONE}/archive`,
    summary: 'Archive a pending or resolved entry',
    response: EntrySummary,
    problems: ['conflict'],
  },
});
