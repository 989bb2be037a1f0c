import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import type { SubscriptionsConfig } from './config';

@Module({})
export class SubscriptionsModule {
  static forRoot(config: SubscriptionsConfig, logger: Logger): DynamicModule {
    return {
      module: SubscriptionsModule,
      imports: [ServiceKitModule.forRoot({ service: 'subscriptions', config, logger })],
    };
  }
}
