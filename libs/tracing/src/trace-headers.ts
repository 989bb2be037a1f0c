import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { propagator, type TraceContext } from './tracer';

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) as Kafka message headers, HTTP headers, and the
 * JSON kept with a delivery in Postgres, so that a retry sent minutes later joins the trace it belongs to.
 * A type rather than an interface, so that it fits where Kafka's header maps are expected.
 */
export type TraceHeaders = {
  traceparent: string;
  tracestate?: string;
};

/** Kafka headers (strings or bytes, possibly repeated) or Node's incoming HTTP headers. */
export type HeaderCarrier = Readonly<
  Record<string, string | Buffer | readonly (string | Buffer)[] | undefined>
>;

const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    return typeof value === 'string' || Buffer.isBuffer(value) ? value.toString() : value?.map(String);
  },
};

/**
 * The trace a message or request continues. Undefined when tracing is off (the only work done then) or
 * when it carries no valid `traceparent`: its spans start a trace of their own.
 */
export function traceContextFrom(headers: HeaderCarrier | undefined): TraceContext | undefined {
  const w3c = propagator();
  if (!w3c || headers?.traceparent === undefined) return undefined;
  const extracted = w3c.extract(ROOT_CONTEXT, headers, headerGetter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The headers that make a message's consumer continue `span`'s trace as its child. */
export function traceHeadersOf(span: Span): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagator()?.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  const { traceparent, tracestate } = carrier;
  if (traceparent === undefined) throw new Error('a span without a valid context has no trace headers');
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** The trace stored headers belong to, as a link for a span that starts a new trace (none while off). */
export function linksTo(headers: TraceHeaders | null): Link[] {
  const w3c = propagator();
  if (!w3c || !headers) return [];
  const context = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
  return context ? [{ context }] : [];
}

/** Trace headers as read back from a JSON column; null for anything else (a delivery made while off). */
export function storedTraceHeaders(json: unknown): TraceHeaders | null {
  if (typeof json !== 'object' || json === null || !('traceparent' in json)) return null;
  const { traceparent, tracestate } = json as Record<string, unknown>;
  if (typeof traceparent !== 'string') return null;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}
