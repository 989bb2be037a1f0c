import 'reflect-metadata';
import { MAX_EVENT_BYTES } from '@smart-dairy/schemas';
import { startService } from '@smart-dairy/service-kit';
import { IngestionConfigSchema } from './config';
import { IngestionModule } from './ingestion.module';

startService({
  service: 'ingestion',
  schema: IngestionConfigSchema,
  module: (config, logger) => IngestionModule.forRoot(config, logger),
  // Larger bodies get 413 from the parser, before anything is buffered for validation.
  bodyLimit: `${MAX_EVENT_BYTES}b`,
});
