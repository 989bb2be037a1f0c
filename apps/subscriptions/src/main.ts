import 'reflect-metadata';
import { startService } from '@smart-dairy/service-kit';
import { SubscriptionsConfigSchema } from './config';
import { SubscriptionsModule } from './subscriptions.module';

startService({
  service: 'subscriptions',
  schema: SubscriptionsConfigSchema,
  module: (config, logger) => SubscriptionsModule.forRoot(config, logger),
});
