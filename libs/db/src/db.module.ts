import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DB_MODULE_OPTIONS, type DbModuleOptions } from './db.options';
import { PrismaService } from './prisma.service';

/** One PrismaService (and one pool) per application, injectable everywhere. */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: DbModuleOptions): DynamicModule {
    return {
      module: DbModule,
      global: true,
      providers: [{ provide: DB_MODULE_OPTIONS, useValue: options }, PrismaService],
      exports: [PrismaService],
    };
  }
}
