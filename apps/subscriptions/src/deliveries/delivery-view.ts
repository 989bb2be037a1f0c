import type { Delivery, DeliveryAttempt } from '@smart-dairy/db';
import { isoOrNull } from '../http/fields';
import { RESPONSE_SNIPPET_LENGTH, type AttemptView, type DeliveryView } from './delivery.schemas';

export function deliveryView(row: Delivery): DeliveryView {
  return {
    id: row.id,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    priority: row.priority,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt_at: isoOrNull(row.nextAttemptAt),
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    delivered_at: isoOrNull(row.deliveredAt),
    ordering_key: row.orderKey,
    waiting_for: row.waitingFor,
  };
}

export function attemptView(row: DeliveryAttempt): AttemptView {
  return {
    attempt: row.attempt,
    status_code: row.statusCode,
    latency_ms: row.latencyMs,
    error_class: row.errorClass,
    error: row.error,
    response_snippet: row.responseBody?.slice(0, RESPONSE_SNIPPET_LENGTH) ?? null,
    started_at: row.startedAt.toISOString(),
    finished_at: row.finishedAt.toISOString(),
  };
}
