import type { DynamicModule } from '@nestjs/common';
import { ConfigError, loadConfig, type TracingVariables } from '@smart-dairy/config';
import { startTracing, tracingSettings, type TracingSettings } from '@smart-dairy/tracing';
import type { z } from 'zod';
import { bootstrapService } from './bootstrap';
import { createLogger, type Logger } from './logger';

interface BaseServiceConfig extends TracingVariables {
  PORT: number;
  LOG_LEVEL: string;
  MANAGEMENT_PORT?: number;
}

export interface StartServiceOptions<C extends BaseServiceConfig> {
  service: string;
  schema: z.ZodType<C>;
  module: (config: C, logger: Logger) => DynamicModule;
  bodyLimit?: string;
}

/**
 * The whole of a service's main.ts: validate the environment (a bad one stops the process
 * with every problem listed), start tracing if the OTEL_* variables ask for it, then boot Nest.
 * A failure to start ends the process non-zero.
 */
export function startService<C extends BaseServiceConfig>(options: StartServiceOptions<C>): void {
  let config: C;
  let logger: Logger;
  let rootModule: DynamicModule;
  let tracing: TracingSettings | null;
  try {
    config = loadConfig(options.service, options.schema);
    logger = createLogger(options.service, config.LOG_LEVEL);
    tracing = tracingSettings(config);
    // Module factories may derive settings (key rings, URLs) that can still be invalid.
    rootModule = options.module(config, logger);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const boot = async (): Promise<void> => {
    // Off, the SDK is not even loaded.
    if (tracing) await startTracing(options.service, tracing, logger);
    await bootstrapService(rootModule, {
      service: options.service,
      port: config.PORT,
      logger,
      bodyLimit: options.bodyLimit,
      managementPort: config.MANAGEMENT_PORT,
    });
  };
  boot().catch((error: unknown) => {
    logger.fatal({ err: error }, 'failed to start');
    logger.flush();
    process.exit(1);
  });
}
