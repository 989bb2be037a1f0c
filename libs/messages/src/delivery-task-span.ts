import {
  ATTR,
  SpanKind,
  linksTo,
  startSpan,
  tracingOn,
  type Span,
  type TraceContext,
  type TraceHeaders,
} from '@smart-dairy/tracing';
import type { DeliveryTask } from './delivery-task';
import { DELIVERY_TOPICS } from './publish-delivery-tasks';

/** Where a delivery task comes from: an event's fan-out, or a request to send a delivery again. */
export type TaskOrigin =
  | { readonly parent?: TraceContext; readonly eventId?: string; readonly eventType?: string }
  | {
      readonly resend: 'dlq_replay' | 'manual_retry' | 'recover';
      /** The trace the delivery was sent in so far (its stored `trace_context`). */
      readonly original: TraceHeaders | null;
    };

/**
 * The span of a delivery task: the parent of every attempt made for it, the first and each retry the
 * scheduler sends later from the trace context stored with the delivery. A task made by fan-out continues
 * its event's trace; one made by a DLQ replay, a manual retry or a subscription's recover starts a new trace, linked to the one the
 * delivery was sent in so far. Undefined while tracing is off; the caller ends it once the task is
 * published.
 */
export function startDeliveryTaskSpan(task: DeliveryTask, origin: TaskOrigin): Span | undefined {
  if (!tracingOn()) return undefined;
  const resend = 'resend' in origin;
  return startSpan(`publish ${DELIVERY_TOPICS[task.priority]}`, {
    kind: SpanKind.PRODUCER,
    parent: resend ? undefined : origin.parent,
    links: resend ? linksTo(origin.original) : undefined,
    attributes: {
      [ATTR.deliveryId]: task.deliveryId,
      [ATTR.subscriptionId]: task.subscriptionId,
      [ATTR.messagingSystem]: 'kafka',
      [ATTR.messagingOperation]: 'send',
      [ATTR.messagingDestination]: DELIVERY_TOPICS[task.priority],
      ...(resend
        ? { [ATTR.resend]: origin.resend }
        : { [ATTR.eventId]: origin.eventId, [ATTR.eventType]: origin.eventType }),
    },
  });
}
