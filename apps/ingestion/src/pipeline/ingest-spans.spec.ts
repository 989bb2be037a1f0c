import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { startInMemoryTracing } from '@smart-dairy/testing';
import { stopTracing, traceContextFrom } from '@smart-dairy/tracing';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { AcceptedEvent } from './accepted-event';
import type { NewDelivery } from './fan-out';
import { IngestSpans } from './ingest-spans';
import type { RawMessage } from './raw-message';

const PRODUCER = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

const message = (offset: string, traced: boolean): RawMessage => ({
  topic: 'p1.events.order',
  partition: 2,
  offset,
  key: null,
  value: Buffer.from('{}'),
  trace: traced
    ? traceContextFrom({ traceparent: `00-${PRODUCER.traceId}-${PRODUCER.spanId}-01` })
    : undefined,
});

const accepted = (offset: string, id: string): AcceptedEvent => ({
  id,
  event: {
    id,
    event: 'order.created',
    timestamp: '2026-03-02T07:15:30Z',
    data: EVENT_CATALOG['order.created'].sample,
  },
  asWritten: { timestamp: '2026-03-02T07:15:30Z', dataJson: '{}' },
  key: null,
  source: { topic: 'p1.events.order', partition: 2, offset },
});

const delivery = (eventId: string, n: number): NewDelivery => ({
  deliveryId: `wh_${String(n).padStart(32, '0')}`,
  subscriptionId: `wh_sub_${n}`,
  priority: 'medium',
  eventId,
  eventType: 'order.created',
  position: { key: null, partition: 2, offset: String(n) },
});

describe('IngestSpans', () => {
  it('makes nothing while tracing is off', () => {
    expect(IngestSpans.start([message('1', true)], 'p1.')).toBeUndefined();
  });

  describe('while tracing is on', () => {
    let exporter: InMemorySpanExporter;
    beforeAll(async () => {
      exporter = await startInMemoryTracing('ingestion');
    });
    afterAll(() => stopTracing());
    beforeEach(() => exporter.reset());
    const spans = () => exporter.getFinishedSpans();

    it("continues each message's trace, and parents each delivery task on its event's span", () => {
      const chunk = IngestSpans.start(
        [message('10', true), message('11', false), message('12', true)],
        'p1.',
      );
      chunk?.accepted([accepted('10', 'evt_a'), accepted('11', 'evt_b')]);
      chunk?.quarantined([{ source: { topic: 'p1.events.order', partition: 2, offset: '12' } }], 'invalid');
      const traced = chunk?.traced([delivery('evt_a', 1), delivery('evt_a', 2), delivery('evt_b', 3)]) ?? [];
      chunk?.end();

      const processed = spans().filter((s) => s.name === 'process events.order');
      const [a, b, invalid] = processed;
      expect(processed.map((s) => s.kind)).toEqual([SpanKind.CONSUMER, SpanKind.CONSUMER, SpanKind.CONSUMER]);
      expect(a?.parentSpanContext?.spanId).toBe(PRODUCER.spanId);
      expect(a?.spanContext().traceId).toBe(PRODUCER.traceId);
      expect(b?.parentSpanContext).toBeUndefined();
      expect(a?.attributes).toMatchObject({
        'webhook.event.id': 'evt_a',
        'webhook.event.deliveries': 2,
        'messaging.destination.name': 'events.order',
        'messaging.destination.partition.id': '2',
        'messaging.kafka.offset': '10',
      });
      expect(invalid?.status.code).toBe(SpanStatusCode.ERROR);
      expect(invalid?.attributes).toMatchObject({ 'error.type': 'invalid', 'webhook.event.deliveries': 0 });

      const tasks = spans().filter((s) => s.name === 'publish deliveries.medium');
      expect(tasks.map((t) => t.parentSpanContext?.spanId)).toEqual([
        a?.spanContext().spanId,
        a?.spanContext().spanId,
        b?.spanContext().spanId,
      ]);
      expect(traced.map((d) => d.trace?.traceparent)).toEqual(
        tasks.map((t) => `00-${t.spanContext().traceId}-${t.spanContext().spanId}-01`),
      );
      expect(tasks[2]?.attributes).toMatchObject({
        'webhook.delivery.id': delivery('evt_b', 3).deliveryId,
        'webhook.subscription.id': 'wh_sub_3',
        'webhook.event.id': 'evt_b',
      });
    });

    it('fails every span of a chunk that was not made durable', () => {
      const chunk = IngestSpans.start([message('20', true)], 'p1.');
      chunk?.accepted([accepted('20', 'evt_c')]);
      chunk?.traced([delivery('evt_c', 4)]);
      chunk?.failed(new Error('database away'));
      expect(spans().map((s) => [s.name, s.status.code])).toEqual([
        ['publish deliveries.medium', SpanStatusCode.ERROR],
        ['process events.order', SpanStatusCode.ERROR],
      ]);
    });
  });
});
