import { startDeliveryTaskSpan, type QuarantineReason } from '@smart-dairy/messages';
import {
  ATTR,
  SpanKind,
  contextOf,
  endFailed,
  markFailed,
  startSpan,
  traceHeadersOf,
  tracingOn,
  type Span,
} from '@smart-dairy/tracing';
import type { AcceptedEvent } from './accepted-event';
import type { NewDelivery } from './fan-out';
import type { RawMessage } from './raw-message';

type Position = Pick<RawMessage, 'topic' | 'partition' | 'offset'>;

const positionOf = ({ topic, partition, offset }: Position) => `${topic}\n${partition}\n${offset}`;
const eventKey = (type: string, id: string) => `${type}\n${id}`;

/**
 * The spans of one chunk of a category topic. Each message gets `process events.<category>`, continuing
 * the trace its headers carry (the producer's `publish` span) or starting one; under it, each delivery the
 * event fans out to gets its task span (`startDeliveryTaskSpan`), whose trace context goes with the task
 * to the dispatcher and into the delivery's row for the retries. They end when the chunk is durable, or
 * failed when it is not (and the chunk is read again). Only made while tracing is on.
 */
export class IngestSpans {
  private readonly messages = new Map<string, Span>();
  private readonly events = new Map<string, Span>();
  private readonly deliveries = new Map<Span, number>();
  private readonly tasks: Span[] = [];

  static start(messages: readonly RawMessage[], topicPrefix: string): IngestSpans | undefined {
    if (!tracingOn()) return undefined;
    const spans = new IngestSpans();
    for (const message of messages) {
      const topic = message.topic.slice(topicPrefix.length);
      const span = startSpan(`process ${topic}`, {
        kind: SpanKind.CONSUMER,
        parent: message.trace,
        attributes: {
          [ATTR.messagingSystem]: 'kafka',
          [ATTR.messagingOperation]: 'process',
          [ATTR.messagingDestination]: topic,
          [ATTR.messagingPartition]: String(message.partition),
          [ATTR.messagingOffset]: message.offset,
        },
      });
      if (span) spans.messages.set(positionOf(message), span);
    }
    return spans;
  }

  accepted(events: readonly AcceptedEvent[]): void {
    for (const { id, event, source } of events) {
      const span = this.messages.get(positionOf(source));
      if (!span) continue;
      span.setAttributes({ [ATTR.eventId]: id, [ATTR.eventType]: event.event });
      this.events.set(eventKey(event.event, id), span);
    }
  }

  duplicates(events: readonly AcceptedEvent[]): void {
    for (const { source } of events)
      this.messages.get(positionOf(source))?.setAttribute(ATTR.duplicate, true);
  }

  /** The messages went to `events.invalid`, `reason` being their quarantine reason. */
  quarantined(items: readonly { source: Position }[], reason: QuarantineReason): void {
    for (const { source } of items) {
      const span = this.messages.get(positionOf(source));
      if (span) markFailed(span, reason);
    }
  }

  /** The deliveries with the trace context of their task spans. */
  traced(deliveries: readonly NewDelivery[]): NewDelivery[] {
    return deliveries.map((delivery) => {
      const parent = this.events.get(eventKey(delivery.eventType, delivery.eventId));
      const span = startDeliveryTaskSpan(delivery, {
        parent: parent && contextOf(parent),
        eventId: delivery.eventId,
        eventType: delivery.eventType,
      });
      if (!span) return delivery;
      this.tasks.push(span);
      if (parent) this.deliveries.set(parent, (this.deliveries.get(parent) ?? 0) + 1);
      return { ...delivery, trace: traceHeadersOf(span) };
    });
  }

  /** Everything is durable: the tasks are on their topics, the events stored. */
  end(): void {
    for (const span of this.tasks) span.end();
    for (const span of this.messages.values()) {
      span.setAttribute(ATTR.deliveries, this.deliveries.get(span) ?? 0);
      span.end();
    }
  }

  failed(error: unknown): void {
    for (const span of [...this.tasks, ...this.messages.values()]) endFailed(span, 'ingestion_failed', error);
  }
}
