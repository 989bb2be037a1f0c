import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter } from '@smart-dairy/http-problem';
import { KafkaTransport } from '@smart-dairy/kafka';
import { JsonBodyInterceptor } from './json-body.interceptor';
import { NestPinoLogger, type Logger } from './logger';
import { ManagementServer } from './management-server';

export interface BootstrapOptions {
  service: string;
  port: number;
  logger: Logger;
  /** Body size limit of the JSON parser; larger bodies get 413 (after authentication). */
  bodyLimit?: string;
  /** Set when ServiceKitModule serves the health endpoints on a management port. */
  managementPort?: number;
}

/** Creates the Nest app with JSON logs and shutdown hooks, starts its Kafka consumers and listens. */
export async function bootstrapService(
  rootModule: DynamicModule,
  { service, port, logger, bodyLimit = '1mb', managementPort }: BootstrapOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    logger: new NestPinoLogger(logger),
    // Bodies are parsed by JsonBodyInterceptor, after the guards have authenticated the request.
    bodyParser: false,
  });
  app.useGlobalInterceptors(new JsonBodyInterceptor(bodyLimit));
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  // The service's Kafka consumers (its @EventPattern handlers); none in a service without handlers.
  app.connectMicroservice({ strategy: app.get(KafkaTransport) });
  // Consumers start after the bootstrap hooks (caches loaded) and before the port opens.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(port, '0.0.0.0');
  logger.info({ port }, `${service} listening`);
  if (managementPort !== undefined) await app.get(ManagementServer).listen();
  return app;
}
