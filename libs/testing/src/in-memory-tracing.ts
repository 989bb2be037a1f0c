import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { loadConfig, tracingEnv } from '@smart-dairy/config';
import { startTracing, tracingSettings } from '@smart-dairy/tracing';
import pino from 'pino';
import { z } from 'zod';

/**
 * Turns tracing on in the test's own process, every span handed to the returned exporter as it ends (the
 * OTLP exporter cannot run under Jest: it loads node:http with a dynamic import). Stop it with
 * `stopTracing`.
 */
export async function startInMemoryTracing(service: string): Promise<InMemorySpanExporter> {
  const settings = tracingSettings(
    loadConfig(service, z.object(tracingEnv), { OTEL_TRACES_EXPORTER: 'otlp' }),
  );
  if (!settings) throw new Error('OTEL_TRACES_EXPORTER=otlp should turn tracing on');
  const exporter = new InMemorySpanExporter();
  await startTracing(service, settings, pino({ level: 'silent' }), { exporter });
  return exporter;
}
