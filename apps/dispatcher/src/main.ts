import 'reflect-metadata';
import { startService } from '@smart-dairy/service-kit';
import { DispatcherConfigSchema } from './config';
import { DispatcherModule } from './dispatcher.module';

startService({
  service: 'dispatcher',
  schema: DispatcherConfigSchema,
  module: (config, logger) => DispatcherModule.forRoot(config, logger),
});
