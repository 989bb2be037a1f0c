import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DELIVERY_TOPICS } from '@smart-dairy/kafka';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import {
  PeriodicJobs,
  RetentionJobs,
  SUBSCRIPTION_CHANGE_LISTENER,
  ServiceKitModule,
  SubscriptionChangesFollower,
  type Logger,
} from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, dispatcherSettings, type DispatcherConfig } from './config';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveryIntake } from './delivery/delivery-intake';
import { DeliveryRunner } from './delivery/delivery-runner';
import { WebhookSender } from './delivery/webhook-sender';
import { DispatcherMetrics } from './dispatcher-metrics';
import { DispatcherSummary } from './dispatcher-summary';
import { EndpointBreakers } from './endpoints/endpoint-breakers';
import { EndpointDirectory } from './endpoints/endpoint-directory';
import { DELIVERY_CONSUMER, DeliveryTasksController } from './kafka/delivery-tasks.controller';
import { SubscriptionDisabler } from './endpoints/subscription-disabler';
import { MaintenanceJobs } from './maintenance/maintenance-jobs';
import { DeliveryGauges } from './monitoring/delivery-gauges';
import { KeyOrdering } from './ordering/key-ordering';
import { OrderingMetrics } from './ordering/ordering-metrics';
import { OrderingSweeper } from './ordering/ordering-sweeper';
import { AttemptRecorder } from './recording/attempt-recorder';
import { RecordPublisher } from './recording/record-publisher';
import { RecorderReadiness } from './recording/recorder-readiness';
import { deliveriesSweep } from './retention/delivery-retention';
import { RetryScheduler } from './scheduling/retry-scheduler';

@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        ScheduleModule.forRoot(),
        ServiceKitModule.forRoot({
          service: 'dispatcher',
          config,
          logger,
          consumers: {
            [DELIVERY_CONSUMER]: {
              concurrency: config.KAFKA_DELIVERY_PARTITIONS * DELIVERY_TOPICS.length,
              budgets: { partition: config.PARTITION_MAX_IN_FLIGHT, process: config.PROCESS_MAX_IN_FLIGHT },
              drainTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
            },
          },
        }),
      ],
      controllers: [DeliveryTasksController, SubscriptionChangesFollower],
      providers: [
        { provide: DISPATCHER_SETTINGS, useValue: dispatcherSettings(config) },
        { provide: SecretCipher, useValue: SecretCipher.fromKeyRing(config.SECRET_ENCRYPTION_KEYS) },
        DispatcherMetrics,
        WebhookSender,
        EndpointDirectory,
        { provide: SUBSCRIPTION_CHANGE_LISTENER, useExisting: EndpointDirectory },
        EndpointBreakers,
        SubscriptionDisabler,
        RecordPublisher,
        AttemptRecorder,
        RecorderReadiness,
        DeliveryRunner,
        DeliveriesRepository,
        DeliveryIntake,
        OrderingMetrics,
        KeyOrdering,
        OrderingSweeper,
        PeriodicJobs,
        RetryScheduler,
        MaintenanceJobs,
        ...RetentionJobs.providers([deliveriesSweep(config)], config),
        DispatcherSummary,
        DeliveryGauges,
      ],
    };
  }
}
