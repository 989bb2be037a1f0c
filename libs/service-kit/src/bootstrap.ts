import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter } from '@smart-dairy/http-problem';
import { NestPinoLogger, type Logger } from './logger';

export interface BootstrapOptions {
  service: string;
  port: number;
  logger: Logger;
  /** Body size limit of the JSON parser; larger bodies get 413. */
  bodyLimit?: string;
}

/** Creates the Nest app with JSON logs and shutdown hooks and starts listening. */
export async function bootstrapService(
  rootModule: DynamicModule,
  { service, port, logger, bodyLimit = '1mb' }: BootstrapOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    rawBody: true,
  });
  app.useBodyParser('json', { limit: bodyLimit });
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  await app.listen(port, '0.0.0.0');
  logger.info({ port }, `${service} listening`);
  return app;
}
