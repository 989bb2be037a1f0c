import type { DynamicModule } from '@nestjs/common';
import { ConfigError, loadConfig } from '@smart-dairy/config';
import type { z } from 'zod';
import { bootstrapService } from './bootstrap';
import { createLogger, type Logger } from './logger';

interface BaseServiceConfig {
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
 * with every problem listed), then boot Nest. A failure to start ends the process non-zero.
 */
export function startService<C extends BaseServiceConfig>(options: StartServiceOptions<C>): void {
  let config: C;
  let logger: Logger;
  let rootModule: DynamicModule;
  try {
    config = loadConfig(options.service, options.schema);
    logger = createLogger(options.service, config.LOG_LEVEL);
    // Module factories may derive settings (key rings, URLs) that can still be invalid.
    rootModule = options.module(config, logger);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  bootstrapService(rootModule, {
    service: options.service,
    port: config.PORT,
    logger,
    bodyLimit: options.bodyLimit,
    managementPort: config.MANAGEMENT_PORT,
  }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'failed to start');
    logger.flush();
    process.exit(1);
  });
}
