import { categoryOf, eventCategoryTopic, type EventType } from '@smart-dairy/schemas';
import {
  ATTR,
  SpanKind,
  endFailed,
  startSpan,
  traceHeadersOf,
  tracingOn,
  type Span,
  type TraceContext,
} from '@smart-dairy/tracing';
import type { EventRecord } from './event-record';
import type { RecordAck } from './record-offsets';

/** An event ready to send, and the trace its publication continues (a new one when absent). */
export interface ReadyEvent {
  readonly id: string;
  readonly type: EventType;
  readonly record: EventRecord;
  readonly parent?: TraceContext;
}

/**
 * The `publish events.<category>` span of each event, the root of the event's trace unless the caller
 * gave one to continue: ingestion continues it from the message's headers. Undefined while tracing is off.
 */
export class PublishSpans {
  private constructor(private readonly spans: readonly (Span | undefined)[]) {}

  static start(events: readonly ReadyEvent[]): PublishSpans | undefined {
    if (!tracingOn()) return undefined;
    return new PublishSpans(
      events.map(({ id, type, parent }) => {
        const topic = eventCategoryTopic(categoryOf(type));
        return startSpan(`publish ${topic}`, {
          kind: SpanKind.PRODUCER,
          parent,
          attributes: {
            [ATTR.eventId]: id,
            [ATTR.eventType]: type,
            [ATTR.messagingSystem]: 'kafka',
            [ATTR.messagingOperation]: 'send',
            [ATTR.messagingDestination]: topic,
          },
        });
      }),
    );
  }

  /** The records with the headers that carry each event's trace to ingestion. */
  traced(records: readonly EventRecord[]): EventRecord[] {
    return records.map((record, index) => {
      const span = this.spans[index];
      return span ? { ...record, headers: traceHeadersOf(span) } : record;
    });
  }

  /** Each event landed where its ack says. */
  sent(acks: readonly RecordAck[]): void {
    this.spans.forEach((span, index) => {
      const ack = acks[index];
      span?.setAttributes({
        [ATTR.messagingPartition]: ack === undefined ? undefined : String(ack.partition),
        [ATTR.messagingOffset]: ack?.offset,
      });
      span?.end();
    });
  }

  failed(error: unknown): void {
    for (const span of this.spans) if (span) endFailed(span, 'kafka_send_failed', error);
  }
}
