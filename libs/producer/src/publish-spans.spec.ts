import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { loadConfig, tracingEnv } from '@smart-dairy/config';
import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { startTracing, stopTracing, traceContextFrom, tracingSettings } from '@smart-dairy/tracing';
import pino from 'pino';
import { z } from 'zod';
import { EventPublisher } from './event-publisher';
import type { EventRecord } from './event-record';
import type { EventTransport } from './event-transport';

const PRODUCER_TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function publisherWith(send: EventTransport['send']) {
  return new EventPublisher({ topicName: (topic) => `t1.${topic}`, send });
}

describe('EventPublisher while tracing is on', () => {
  // @smart-dairy/testing's startInMemoryTracing would make a dependency cycle: testing needs the producer.
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    const variables = loadConfig('test', z.object(tracingEnv), { OTEL_TRACES_EXPORTER: 'otlp' });
    const settings = tracingSettings(variables);
    if (!settings) throw new Error('OTEL_TRACES_EXPORTER=otlp should turn tracing on');
    await startTracing('orders', settings, pino({ level: 'silent' }), { exporter });
  });
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());

  it('sends each event with the traceparent of its publish span, which continues the caller trace', async () => {
    const sent: EventRecord[] = [];
    const publisher = publisherWith(async (records) => {
      sent.push(...records);
      return records.map((_, index) => ({ partition: index, offset: String(40 + index) }));
    });
    await publisher.publishMany([
      { type: 'order.created', data: EVENT_CATALOG['order.created'].sample, id: 'evt_a' },
      {
        type: 'payment.failed',
        data: EVENT_CATALOG['payment.failed'].sample,
        id: 'evt_b',
        trace: traceContextFrom({ traceparent: PRODUCER_TRACE }),
      },
    ]);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['publish events.order', 'publish events.payment']);
    spans.forEach((span, index) => {
      const { traceId, spanId } = span.spanContext();
      expect(sent[index]?.headers).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    });
    expect(spans[0]?.parentSpanContext).toBeUndefined();
    expect(spans[1]?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(spans[1]?.attributes).toMatchObject({
      'webhook.event.id': 'evt_b',
      'webhook.event.type': 'payment.failed',
      'messaging.destination.name': 'events.payment',
      'messaging.destination.partition.id': '1',
      'messaging.kafka.offset': '41',
    });
  });

  it('fails the spans of a batch Kafka did not take', async () => {
    const publisher = publisherWith(async () => {
      throw new Error('broker down');
    });
    await expect(publisher.publish('order.created', EVENT_CATALOG['order.created'].sample)).rejects.toThrow(
      'broker down',
    );
    expect(exporter.getFinishedSpans().map((s) => s.status)).toEqual([
      { code: SpanStatusCode.ERROR, message: 'broker down' },
    ]);
  });
});
