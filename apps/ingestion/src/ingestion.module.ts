import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { ApiDocsModule } from '@smart-dairy/http-api';
import { eventPublisherProvider } from '@smart-dairy/producer';
import {
  PeriodicJobs,
  RetentionJobs,
  SUBSCRIPTION_CHANGE_LISTENER,
  ServiceKitModule,
  SubscriptionChangesFollower,
  type Logger,
} from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { ingestionApiDocument } from './http/api-document';
import { EventsController } from './http/events.controller';
import { HttpEventIntake } from './http/http-event-intake';
import { CategoryEventsController, EVENTS_CONSUMER } from './pipeline/category-events.controller';
import { EventBatchProcessor } from './pipeline/event-batch.processor';
import { EventStore } from './pipeline/event-store';
import { IngestionMetrics } from './pipeline/ingestion-metrics';
import { IngestionSummary } from './pipeline/ingestion-summary';
import { ingestionSweeps } from './retention/ingestion-retention';
import { SubscriptionView } from './subscriptions/subscription-view';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig, logger: Logger): DynamicModule {
    return {
      module: IngestionModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'ingestion',
          config,
          logger,
          consumers: {
            [EVENTS_CONSUMER]: {
              concurrency: config.INGESTION_PARTITIONS_CONCURRENTLY,
              chunkSize: config.INGESTION_CHUNK_SIZE,
            },
          },
        }),
        ApiAuthModule.fromEnv(config),
        ScheduleModule.forRoot(),
        ApiDocsModule.serve(ingestionApiDocument()),
      ],
      controllers: [EventsController, CategoryEventsController, SubscriptionChangesFollower],
      providers: [
        { provide: INGESTION_CONFIG, useValue: config },
        eventPublisherProvider,
        IngestionMetrics,
        EventStore,
        PeriodicJobs,
        ...RetentionJobs.providers(ingestionSweeps(config), config),
        SubscriptionView,
        { provide: SUBSCRIPTION_CHANGE_LISTENER, useExisting: SubscriptionView },
        EventBatchProcessor,
        HttpEventIntake,
        IngestionSummary,
      ],
    };
  }
}
