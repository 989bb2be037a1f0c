import { DiagLogLevel, diag, type DiagLogger, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { ATTR } from './span-attributes';
import type { TracingSettings } from './tracing-settings';

const SERVICE_NAMESPACE = 'smart-dairy-webhooks';

export interface Sdk {
  readonly provider: TracerProvider;
  readonly propagator: TextMapPropagator;
}

/**
 * The OpenTelemetry SDK of a process: loaded (by `startTracing`) only when tracing is on, so a process
 * without it never even reads these modules. Spans are batched and exported over OTLP/HTTP, or handed to
 * `exporter` one by one (unit tests). The resource names the service; `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` override or add, as the specification says. The SDK's own complaints (an
 * unreachable collector, spans dropped on a full queue) go to `logger`.
 */
export function createSdk(
  service: string,
  settings: TracingSettings,
  logger: Logger,
  exporter: SpanExporter | undefined,
): Sdk {
  diag.setLogger(diagLogger(logger), DiagLogLevel.WARN);
  const processor = exporter
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({ exporter: otlpExporter(settings), ...settings.batch });
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(
        resourceFromAttributes({ [ATTR_SERVICE_NAME]: service, [ATTR.serviceNamespace]: SERVICE_NAMESPACE }),
      )
      .merge(detectResources({ detectors: [envDetector] })),
    sampler: samplerOf(settings),
    spanProcessors: [processor],
  });
  return { provider, propagator: new W3CTraceContextPropagator() };
}

function otlpExporter({ protocol, url }: TracingSettings): SpanExporter {
  return protocol === 'http/json' ? new JsonTraceExporter({ url }) : new ProtobufTraceExporter({ url });
}

function samplerOf({ sampler, samplerRatio }: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(samplerRatio);
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function diagLogger(logger: Logger): DiagLogger {
  const log = logger.child({ component: 'opentelemetry' });
  const at =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...details: unknown[]) =>
      log[level](details.length > 0 ? { details } : {}, message);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('trace') };
}
