import 'reflect-metadata';
import { startService } from '@smart-dairy/service-kit';
import { IngestionConfigSchema } from './config';
import { IngestionModule } from './ingestion.module';

startService({
  service: 'ingestion',
  schema: IngestionConfigSchema,
  module: (config, logger) => IngestionModule.forRoot(config, logger),
});
