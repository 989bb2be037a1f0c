import { z } from 'zod';
import { booleanFlag } from './boolean-flag';

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const TRACE_SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional();
// gRPC would need an exporter (and its dependencies) of its own; collectors take OTLP over HTTP on 4318.
const protocol = z.enum(OTLP_PROTOCOLS, { error: 'expected http/protobuf or http/json' }).optional();

/**
 * The standard OpenTelemetry variables that decide whether and where a service exports traces, with the
 * meanings the OpenTelemetry specification gives them. Tracing is off unless an OTLP endpoint is set (or
 * `OTEL_TRACES_EXPORTER=otlp` asks for the default one); see `tracingSettings` in `@smart-dairy/tracing`.
 * The exporter itself reads the rest of `OTEL_EXPORTER_OTLP_*` (headers, timeout, certificates).
 */
export const tracingEnv = {
  OTEL_SDK_DISABLED: booleanFlag(false),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { error: 'expected otlp or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().nonnegative().default(5_000),
  OTEL_BSP_EXPORT_TIMEOUT: z.coerce.number().int().positive().default(30_000),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().positive().default(2_048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().positive().default(512),
} as const;

export type TracingVariables = z.output<z.ZodObject<typeof tracingEnv>>;
