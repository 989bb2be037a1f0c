import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import type { IngestionConfig } from './config';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig, logger: Logger): DynamicModule {
    return {
      module: IngestionModule,
      imports: [ServiceKitModule.forRoot({ service: 'ingestion', config, logger })],
    };
  }
}
