import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import type { DlqReviewConfig } from './config';

@Module({})
export class DlqReviewModule {
  static forRoot(config: DlqReviewConfig, logger: Logger): DynamicModule {
    return {
      module: DlqReviewModule,
      imports: [ServiceKitModule.forRoot({ service: 'dlq-review', config, logger })],
    };
  }
}
