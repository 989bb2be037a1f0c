import type { OtlpProtocol, TraceSampler, TracingVariables } from '@smart-dairy/config';

/** Where and how a process exports its spans; see `tracingSettings`. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL, `/v1/traces` included. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly sampler: TraceSampler;
  /** The ratio of the `*traceidratio` samplers. */
  readonly samplerRatio: number;
  readonly batch: {
    readonly scheduledDelayMillis: number;
    readonly exportTimeoutMillis: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
}

/** The specification's default for OTLP over HTTP. */
const DEFAULT_ENDPOINT = 'http://localhost:4318/';
const TRACES_PATH = 'v1/traces';

/**
 * Tracing is on only when asked for: an OTLP endpoint is set, or `OTEL_TRACES_EXPORTER=otlp` (which
 * exports to the specification's default endpoint). The specification makes `otlp` the default exporter,
 * which would have every service send to localhost:4318 whether or not anything listens there; here an
 * unconfigured service starts no SDK at all. `OTEL_SDK_DISABLED=true` and `OTEL_TRACES_EXPORTER=none` turn
 * it off whatever else is set. Null means off.
 */
export function tracingSettings(variables: TracingVariables): TracingSettings | null {
  const {
    OTEL_SDK_DISABLED,
    OTEL_TRACES_EXPORTER,
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  } = variables;
  const configured = OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = OTEL_TRACES_EXPORTER ?? (configured === undefined ? 'none' : 'otlp');
  if (OTEL_SDK_DISABLED || exporter === 'none') return null;
  return {
    // The signal-specific endpoint is used as given; the general one is a base the signal's path goes under.
    url:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? withTracesPath(OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT),
    protocol:
      variables.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
      variables.OTEL_EXPORTER_OTLP_PROTOCOL ??
      'http/protobuf',
    sampler: variables.OTEL_TRACES_SAMPLER,
    samplerRatio: variables.OTEL_TRACES_SAMPLER_ARG,
    batch: {
      scheduledDelayMillis: variables.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: variables.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: variables.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: Math.min(
        variables.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
        variables.OTEL_BSP_MAX_QUEUE_SIZE,
      ),
    },
  };
}

function withTracesPath(base: string): string {
  return base.endsWith('/') ? `${base}${TRACES_PATH}` : `${base}/${TRACES_PATH}`;
}
