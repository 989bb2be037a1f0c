import { Module, type DynamicModule } from '@nestjs/common';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { KafkaClient } from '@smart-dairy/kafka';
import { EventPublisher } from '@smart-dairy/producer';
import { ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { EventsController } from './http/events.controller';
import { HttpEventIntake } from './http/http-event-intake';
import { EventBatchProcessor } from './pipeline/event-batch.processor';
import { EventConsumer } from './pipeline/event-consumer';
import { EventStore } from './pipeline/event-store';
import { IngestionMetrics } from './pipeline/ingestion-metrics';
import { SubscriptionView } from './subscriptions/subscription-view';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig, logger: Logger): DynamicModule {
    return {
      module: IngestionModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'ingestion', config, logger }),
        ApiAuthModule.fromEnv(config),
      ],
      controllers: [EventsController],
      providers: [
        { provide: INGESTION_CONFIG, useValue: config },
        {
          provide: EventPublisher,
          inject: [KafkaClient],
          useFactory: (kafka: KafkaClient) => EventPublisher.fromKafka(kafka),
        },
        IngestionMetrics,
        EventStore,
        SubscriptionView,
        EventBatchProcessor,
        EventConsumer,
        HttpEventIntake,
      ],
    };
  }
}
