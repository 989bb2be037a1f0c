import {
  ATTR,
  SpanKind,
  markFailed,
  startSpan,
  tracingOn,
  type Span,
  type TraceContext,
} from '@smart-dairy/tracing';
import type { AttemptWrite, NextState } from '../deliveries/attempt-write';
import type { StoredDelivery } from '../deliveries/deliveries.repository';

/**
 * Spans of the dispatcher, each a child of the delivery's task span, whose context the task's headers
 * carry (ingestion's fan-out, or the retry scheduler from what Postgres keeps with the delivery). All of
 * them return at once while tracing is off.
 */

/** One POST to the endpoint; the URL's query and path stay out of the span, only its host is named. */
export function startAttemptSpan(
  parent: TraceContext | undefined,
  delivery: StoredDelivery,
  attempt: number,
  url: string,
): Span | undefined {
  if (!tracingOn()) return undefined;
  const { hostname, port, protocol } = new URL(url);
  return startSpan('POST', {
    kind: SpanKind.CLIENT,
    parent,
    attributes: {
      ...idsOf(delivery),
      [ATTR.attempt]: attempt,
      [ATTR.httpMethod]: 'POST',
      [ATTR.serverAddress]: hostname,
      [ATTR.serverPort]: Number(port || (protocol === 'https:' ? 443 : 80)),
    },
  });
}

/** The attempt's answer and what follows it; a non-2xx answer or a network error fails the span. */
export function endAttemptSpan(span: Span | undefined, { attempt, next }: AttemptWrite): void {
  if (!span) return;
  span.setAttributes({ [ATTR.httpStatus]: attempt?.statusCode ?? undefined, [ATTR.next]: next.status });
  if (attempt?.errorClass) markFailed(span, attempt.errorClass, attempt.error ?? undefined);
  span.end(attempt?.finishedAt);
}

/** A delivery taken and not sent (breaker open, subscription disabled or deleted, endpoint backlog). */
export function recordNotSent(
  parent: TraceContext | undefined,
  delivery: StoredDelivery,
  why: string,
  next: NextState,
): void {
  if (!tracingOn()) return;
  startSpan('delivery not sent', {
    kind: SpanKind.INTERNAL,
    parent,
    attributes: { ...idsOf(delivery), [ATTR.notSentReason]: why, [ATTR.next]: next.status },
  })?.end();
}

function idsOf({ deliveryId, subscriptionId, event }: StoredDelivery) {
  return {
    [ATTR.deliveryId]: deliveryId,
    [ATTR.subscriptionId]: subscriptionId,
    [ATTR.eventId]: event.eventId,
    [ATTR.eventType]: event.eventType,
  };
}
