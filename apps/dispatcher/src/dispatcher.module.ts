import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import type { DispatcherConfig } from './config';

@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [ServiceKitModule.forRoot({ service: 'dispatcher', config, logger })],
    };
  }
}
