import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { PeriodicJobs, ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, dispatcherSettings, type DispatcherConfig } from './config';
import { DeliveryRunner } from './delivery/delivery-runner';
import { WebhookSender } from './delivery/webhook-sender';
import { DispatcherMetrics } from './dispatcher-metrics';
import { EndpointBreakers } from './endpoints/endpoint-breakers';
import { EndpointDirectory } from './endpoints/endpoint-directory';
import { SubscriptionDisabler } from './endpoints/subscription-disabler';
import { DeliveryConsumer } from './kafka/delivery-consumer';
import { MaintenanceJobs } from './maintenance/maintenance-jobs';
import { AttemptRecorder } from './recording/attempt-recorder';
import { RetryScheduler } from './scheduling/retry-scheduler';

@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'dispatcher', config, logger }),
        ScheduleModule.forRoot(),
      ],
      providers: [
        { provide: DISPATCHER_SETTINGS, useValue: dispatcherSettings(config) },
        { provide: SecretCipher, useValue: SecretCipher.fromKeyRing(config.SECRET_ENCRYPTION_KEYS) },
        DispatcherMetrics,
        WebhookSender,
        EndpointDirectory,
        EndpointBreakers,
        SubscriptionDisabler,
        AttemptRecorder,
        DeliveryRunner,
        DeliveryConsumer,
        PeriodicJobs,
        RetryScheduler,
        MaintenanceJobs,
      ],
    };
  }
}
