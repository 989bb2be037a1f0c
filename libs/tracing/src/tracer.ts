import {
  ROOT_CONTEXT,
  SpanStatusCode,
  diag,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { Sdk } from './sdk';
import { ATTR } from './span-attributes';
import type { TracingSettings } from './tracing-settings';

/** A position in a trace that later spans continue from (a span, or what a message's headers carried). */
export type TraceContext = Context;

const TRACER_NAME = '@smart-dairy/webhooks';

let running: (Sdk & { tracer: Tracer }) | undefined;

/**
 * Whether this process records spans. Off (the default), the SDK is not even loaded, and every helper of
 * this library returns at once, before it allocates anything: the check the hot paths pay.
 */
export function tracingOn(): boolean {
  return running !== undefined;
}

/**
 * Loads and starts the SDK for this process (see `createSdk`): spans batched and exported over OTLP/HTTP
 * to `settings.url`, or given to `exporter` as they end (unit tests pass the SDK's in-memory one). No
 * tracer provider, propagator or context manager is registered globally: spans are made through this
 * library, with their parents passed explicitly.
 */
export async function startTracing(
  service: string,
  settings: TracingSettings,
  logger: Logger,
  { exporter }: { exporter?: SpanExporter } = {},
): Promise<void> {
  if (running) throw new Error('tracing is already started in this process');
  // Required here, not imported above: a process with tracing off never loads the SDK (about 9 MiB).
  const { createSdk } = require('./sdk') as typeof import('./sdk');
  const sdk = createSdk(service, settings, logger, exporter);
  running = { ...sdk, tracer: sdk.provider.getTracer(TRACER_NAME) };
  logger.info({ url: settings.url, protocol: settings.protocol, sampler: settings.sampler }, 'tracing on');
}

/** Exports what is still batched and stops the SDK; spans ended later are dropped. */
export async function stopTracing(): Promise<void> {
  const stopping = running;
  running = undefined;
  if (!stopping) return;
  await stopping.provider.shutdown();
  diag.disable();
}

/** The W3C propagator, while tracing is on. */
export function propagator(): TextMapPropagator | undefined {
  return running?.propagator;
}

export interface SpanStart {
  readonly kind: SpanKind;
  /** The trace the span continues; it starts a new trace when absent. */
  readonly parent?: TraceContext;
  readonly attributes?: Attributes;
  readonly links?: Link[];
}

/** A span, or undefined when tracing is off. Callers end it (`span?.end()`). */
export function startSpan(name: string, { kind, parent, attributes, links }: SpanStart): Span | undefined {
  return running?.tracer.startSpan(name, { kind, attributes, links }, parent ?? ROOT_CONTEXT);
}

/** The context that makes later spans children of `span`. */
export function contextOf(span: Span): TraceContext {
  return trace.setSpan(ROOT_CONTEXT, span);
}

/**
 * Marks a span failed: `errorType` is a short class (`http_500`, `timeout`, `kafka_send_failed`); an Error
 * cause is recorded with its stack, a string one is the status message.
 */
export function markFailed(span: Span, errorType: string, cause?: unknown): void {
  span.setAttribute(ATTR.errorType, errorType);
  if (cause instanceof Error) span.recordException(cause);
  const message = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : errorType;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

export function endFailed(span: Span, errorType: string, cause?: unknown): void {
  markFailed(span, errorType, cause);
  span.end();
}

/** Waits for `work`, then ends the spans, failed with `errorType` when the work failed. */
export async function endAfter<T>(
  spans: readonly (Span | undefined)[],
  errorType: string,
  work: Promise<T>,
): Promise<T> {
  try {
    const result = await work;
    for (const span of spans) span?.end();
    return result;
  } catch (error) {
    for (const span of spans) if (span) endFailed(span, errorType, error);
    throw error;
  }
}
