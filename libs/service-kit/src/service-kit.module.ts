import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DbModule, PrismaService, checkDatabase } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { HealthController } from './health.controller';
import type { Logger } from './logger';
import { LOGGER, READINESS_CHECKS, SERVICE_NAME, type ReadinessCheck } from './tokens';

/** The settings of commonEnv that the shared infrastructure needs. */
export interface ServiceKitConfig {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_EVENT_PARTITIONS: number;
  KAFKA_DELIVERY_PARTITIONS: number;
  KAFKA_INTERNAL_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
}

export interface ServiceKitOptions {
  service: string;
  config: ServiceKitConfig;
  logger: Logger;
}

class KafkaShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaClient) private readonly kafka: KafkaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.disconnect();
  }
}

/**
 * What every service shares: logger, metrics registry, Postgres, Kafka (connected and with
 * the topic layout in place before the app starts), and /health, /ready, /metrics.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot({ service, config, logger }: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        DbModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          onConnectionError: (err) => logger.warn({ err }, 'database connection lost'),
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: LOGGER, useValue: logger },
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        {
          provide: KafkaClient,
          useFactory: async () => {
            const kafka = new KafkaClient(
              {
                brokers: config.KAFKA_BROKERS,
                clientId: config.KAFKA_CLIENT_ID ?? `smart-dairy-${service}`,
                topicPrefix: config.KAFKA_TOPIC_PREFIX,
                partitions: {
                  events: config.KAFKA_EVENT_PARTITIONS,
                  deliveries: config.KAFKA_DELIVERY_PARTITIONS,
                  internal: config.KAFKA_INTERNAL_PARTITIONS,
                },
                replicationFactor: config.KAFKA_REPLICATION_FACTOR,
              },
              logger,
            );
            await kafka.connect();
            await kafka.ensureTopics();
            return kafka;
          },
        },
        KafkaShutdown,
        {
          provide: READINESS_CHECKS,
          inject: [PrismaService, KafkaClient],
          useFactory: (prisma: PrismaService, kafka: KafkaClient): ReadinessCheck[] => [
            { name: 'postgres', check: () => checkDatabase(prisma) },
            { name: 'kafka', check: () => kafka.check() },
          ],
        },
      ],
      exports: [SERVICE_NAME, LOGGER, Registry, KafkaClient, DbModule],
    };
  }
}
