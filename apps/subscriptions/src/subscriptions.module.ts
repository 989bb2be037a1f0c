import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { ApiDocsModule } from '@smart-dairy/http-api';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { PeriodicJobs, RetentionJobs, ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { BacklogRelease } from './backlog/backlog-release.job';
import { BacklogStore } from './backlog/backlog-store';
import { EventTypesController } from './catalog/event-types';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from './config';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { subscriptionsApiDocument } from './docs/api-document';
import { RecoveryController } from './recovery/recovery.controller';
import { RecoveryService } from './recovery/recovery.service';
import { adminSweeps } from './retention/admin-retention';
import { RotationPolicy } from './secrets/rotation-policy';
import { RotationReminder } from './secrets/rotation-reminder';
import { SecretReencryptionJob } from './secrets/secret-reencryption.job';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { ChangeAnnouncer } from './subscriptions/change-announcer';
import { EndpointUrlPolicy } from './subscriptions/endpoint-url-policy';
import { MAX_URL_LENGTH } from './subscriptions/subscription.schemas';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SubscriptionsService } from './subscriptions/subscriptions.service';

export const CONTROLLERS = [
  ApiKeysController,
  SubscriptionsController,
  DeliveriesController,
  RecoveryController,
  StatsController,
  EventTypesController,
];

@Module({})
export class SubscriptionsModule {
  static forRoot(config: SubscriptionsConfig, logger: Logger): DynamicModule {
    return {
      module: SubscriptionsModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'subscriptions', config, logger }),
        ApiAuthModule.fromEnv(config),
        ScheduleModule.forRoot(),
        ApiDocsModule.serve(subscriptionsApiDocument()),
      ],
      controllers: CONTROLLERS,
      providers: [
        { provide: SUBSCRIPTIONS_CONFIG, useValue: config },
        { provide: SecretCipher, useFactory: () => SecretCipher.fromKeyRing(config.SECRET_ENCRYPTION_KEYS) },
        { provide: RotationPolicy, useFactory: () => new RotationPolicy(config.SECRET_ROTATION_PERIOD_DAYS) },
        {
          provide: EndpointUrlPolicy,
          useFactory: () =>
            new EndpointUrlPolicy(
              {
                allowPrivate: config.ALLOW_PRIVATE_ENDPOINTS,
                requireHttps: config.NODE_ENV === 'production',
              },
              MAX_URL_LENGTH,
            ),
        },
        ChangeAnnouncer,
        ApiKeysService,
        SubscriptionsService,
        DeliveriesService,
        StatsService,
        PeriodicJobs,
        ...RetentionJobs.providers(adminSweeps(config), config),
        RotationReminder,
        SecretReencryptionJob,
        BacklogStore,
        BacklogRelease,
        RecoveryService,
      ],
    };
  }
}
