export { SpanKind, type Span } from '@opentelemetry/api';
export { ATTR } from './span-attributes';
export {
  linksTo,
  storedTraceHeaders,
  traceContextFrom,
  traceHeadersOf,
  type HeaderCarrier,
  type TraceHeaders,
} from './trace-headers';
export {
  contextOf,
  endAfter,
  endFailed,
  markFailed,
  startSpan,
  startTracing,
  stopTracing,
  tracingOn,
  type SpanStart,
  type TraceContext,
} from './tracer';
export { tracingSettings, type TracingSettings } from './tracing-settings';
