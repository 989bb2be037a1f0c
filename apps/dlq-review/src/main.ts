import 'reflect-metadata';
import { startService } from '@smart-dairy/service-kit';
import { DlqReviewConfigSchema } from './config';
import { DlqReviewModule } from './dlq-review.module';

startService({
  service: 'dlq-review',
  schema: DlqReviewConfigSchema,
  module: (config, logger) => DlqReviewModule.forRoot(config, logger),
});
