import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { kafkaSecurity, type KafkaSecurityVariables } from '@smart-dairy/config';
import { DbModule, PrismaService, checkDatabase } from '@smart-dairy/db';
import { KafkaClient, KafkaTransport, type ConsumerTuning } from '@smart-dairy/kafka';
import { stopTracing } from '@smart-dairy/tracing';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HealthEndpoints } from './health-endpoints';
import { HealthController } from './health.controller';
import type { Logger } from './logger';
import { MANAGEMENT_PORT, ManagementServer } from './management-server';
import { ReadinessService } from './readiness.service';
import { LIVENESS_CHECKS, LOGGER, READINESS_CHECKS, SERVICE_NAME, type ReadinessCheck } from './tokens';

/** The settings of commonEnv that the shared infrastructure needs. */
export interface ServiceKitConfig extends KafkaSecurityVariables {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_EVENT_PARTITIONS: number;
  KAFKA_DELIVERY_PARTITIONS: number;
  KAFKA_INTERNAL_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_QUERY_TIMEOUT_MS: number;
  KAFKA_SEND_TIMEOUT_MS: number;
  CONSUMER_STALL_TIMEOUT_MS: number;
  /** Serve /health, /ready and /metrics on this port instead of the service port. */
  MANAGEMENT_PORT?: number;
}

export interface ServiceKitOptions {
  service: string;
  config: ServiceKitConfig;
  logger: Logger;
  /** Settings of the service's Kafka consumers (its `@EventPattern` handlers), by consumer name. */
  consumers?: Record<string, ConsumerTuning>;
}

function assertNoStall(kafka: KafkaClient): void {
  const stalls = kafka.stalls();
  if (stalls.length === 0) return;
  const named = stalls.map((s) => `${s.groupId} (${s.partitions.join(', ')})`).join('; ');
  throw new Error(`stalled: ${named}`);
}

function registerStallGauge(kafka: KafkaClient, registry: Registry): void {
  new Gauge({
    name: 'kafka_consumer_stalled_partitions',
    help: 'Partitions a consumer group holds with input waiting and nothing committed for CONSUMER_STALL_TIMEOUT_MS',
    labelNames: ['group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const stall of kafka.stalls()) this.set({ group: stall.groupId }, stall.partitions.length);
    },
  });
}

class KafkaShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaClient) private readonly kafka: KafkaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.disconnect();
  }
}

/** Spans still batched go out before the process ends (tracing is started by `startService`). */
class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

/**
 * What every service shares: logger, metrics registry, Postgres, Kafka (connected and with
 * the topic layout in place before the app starts), and /health, /ready, /metrics on the service
 * port or, with MANAGEMENT_PORT, on a listener of their own.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot({ service, config, logger, consumers }: ServiceKitOptions): DynamicModule {
    // Here, not in the provider: inconsistent settings or a missing file stop the start as a ConfigError.
    const security = kafkaSecurity(config, service);
    const managementPort = config.MANAGEMENT_PORT;
    return {
      module: ServiceKitModule,
      imports: [
        DbModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
          queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
          onConnectionError: (err) => logger.warn({ err }, 'database connection lost'),
        }),
      ],
      controllers: managementPort === undefined ? [HealthController] : [],
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
                consumerStallTimeoutMs: config.CONSUMER_STALL_TIMEOUT_MS,
                sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS,
                security,
              },
              logger,
            );
            await kafka.connect();
            await kafka.ensureTopics();
            return kafka;
          },
        },
        KafkaShutdown,
        TracingShutdown,
        {
          provide: KafkaTransport,
          inject: [KafkaClient],
          useFactory: (kafka: KafkaClient) => new KafkaTransport(kafka, logger, service, consumers),
        },
        ReadinessService,
        HealthEndpoints,
        ...(managementPort === undefined
          ? []
          : [{ provide: MANAGEMENT_PORT, useValue: managementPort }, ManagementServer]),
        {
          provide: READINESS_CHECKS,
          inject: [PrismaService, KafkaClient],
          useFactory: (prisma: PrismaService, kafka: KafkaClient): ReadinessCheck[] => [
            { name: 'postgres', check: () => checkDatabase(prisma) },
            { name: 'kafka', check: () => kafka.check() },
          ],
        },
        {
          provide: LIVENESS_CHECKS,
          inject: [KafkaClient, Registry],
          useFactory: (kafka: KafkaClient, registry: Registry): ReadinessCheck[] => {
            registerStallGauge(kafka, registry);
            return [{ name: 'kafka-consumers', reason: 'stalled', check: async () => assertNoStall(kafka) }];
          },
        },
      ],
      exports: [SERVICE_NAME, LOGGER, Registry, KafkaClient, KafkaTransport, DbModule, ReadinessService],
    };
  }
}
