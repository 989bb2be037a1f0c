import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { linksTo, storedTraceHeaders, traceContextFrom, traceHeadersOf } from './trace-headers';
import { contextOf, endAfter, startSpan, startTracing, stopTracing, tracingOn } from './tracer';
import type { TracingSettings } from './tracing-settings';

const SETTINGS: TracingSettings = {
  url: 'http://127.0.0.1:9/v1/traces',
  protocol: 'http/json',
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  batch: { scheduledDelayMillis: 10, exportTimeoutMillis: 1_000, maxQueueSize: 10, maxExportBatchSize: 10 },
};
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('while tracing is off', () => {
  it('makes no span and reads no trace context', () => {
    expect(tracingOn()).toBe(false);
    expect(startSpan('publish events.order', { kind: SpanKind.PRODUCER })).toBeUndefined();
    expect(traceContextFrom({ traceparent: TRACEPARENT })).toBeUndefined();
  });
});

describe('while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing('test-service', SETTINGS, pino({ level: 'silent' }), { exporter }));
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());

  const finished = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name);

  it('continues the trace of Kafka headers (as bytes) and of HTTP headers, tracestate included', () => {
    for (const headers of [
      { traceparent: Buffer.from(TRACEPARENT), tracestate: Buffer.from('vendor=x') },
      { traceparent: TRACEPARENT, tracestate: 'vendor=x' },
    ]) {
      startSpan('child', { kind: SpanKind.CONSUMER, parent: traceContextFrom(headers) })?.end();
      const child = finished('child');
      expect(child?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(child?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(child?.spanContext().traceState?.serialize()).toBe('vendor=x');
      exporter.reset();
    }
  });

  it.each([{}, { traceparent: 'not-a-traceparent' }, { other: 'header' }])(
    'starts a new trace for headers without a valid traceparent: %j',
    (headers) => {
      expect(traceContextFrom(headers)).toBeUndefined();
    },
  );

  it('writes headers that make the next hop a child, and names the service', () => {
    const parent = startSpan('parent', { kind: SpanKind.PRODUCER });
    const headers = parent && traceHeadersOf(parent);
    const { traceId, spanId } = parent?.spanContext() ?? {};
    expect(headers).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    startSpan('child', { kind: SpanKind.CONSUMER, parent: traceContextFrom(headers) })?.end();
    startSpan('local child', { kind: SpanKind.INTERNAL, parent: parent && contextOf(parent) })?.end();
    parent?.end();
    for (const name of ['child', 'local child']) {
      expect(finished(name)?.parentSpanContext?.spanId).toBe(spanId);
      expect(finished(name)?.spanContext().traceId).toBe(traceId);
    }
    expect(finished('parent')?.resource.attributes).toMatchObject({
      'service.name': 'test-service',
      'service.namespace': 'smart-dairy-webhooks',
    });
  });

  it('links a new trace to stored headers', () => {
    const [link] = linksTo({ traceparent: TRACEPARENT });
    startSpan('replay', { kind: SpanKind.PRODUCER, links: link ? [link] : [] })?.end();
    const replay = finished('replay');
    expect(replay?.parentSpanContext).toBeUndefined();
    expect(replay?.links.map((l) => l.context.spanId)).toEqual(['b7ad6b7169203331']);
    expect(linksTo(null)).toEqual([]);
  });

  it.each<[unknown, ReturnType<typeof storedTraceHeaders>]>([
    [{ traceparent: TRACEPARENT }, { traceparent: TRACEPARENT }],
    [
      { traceparent: TRACEPARENT, tracestate: 'a=1' },
      { traceparent: TRACEPARENT, tracestate: 'a=1' },
    ],
    [{ traceparent: TRACEPARENT, tracestate: 7 }, { traceparent: TRACEPARENT }],
    [null, null],
    ['00-x', null],
    [{ traceparent: 42 }, null],
  ])('reads stored headers %j as %j', (json, expected) => {
    expect(storedTraceHeaders(json)).toEqual(expected);
  });

  it('ends spans after the work, failed with the error when it throws', async () => {
    const ok = startSpan('ok', { kind: SpanKind.INTERNAL });
    await expect(endAfter([ok], 'never', Promise.resolve(3))).resolves.toBe(3);
    const failing = startSpan('failing', { kind: SpanKind.INTERNAL });
    await expect(
      endAfter([failing, undefined], 'kafka_send_failed', Promise.reject(new Error('broker down'))),
    ).rejects.toThrow('broker down');
    expect(finished('ok')?.status.code).toBe(SpanStatusCode.UNSET);
    expect(finished('failing')).toMatchObject({
      status: { code: SpanStatusCode.ERROR, message: 'broker down' },
      attributes: { 'error.type': 'kafka_send_failed' },
      events: [expect.objectContaining({ name: 'exception' })],
    });
  });
});
