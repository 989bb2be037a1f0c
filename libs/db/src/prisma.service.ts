import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { DB_MODULE_OPTIONS, type DbModuleOptions } from './db.options';
import { PrismaClient } from './generated/prisma/client';

const DEFAULT_POOL_SIZE = 10;
// pg waits forever for a connection by default: a black-holed host would hang the boot instead of failing it.
const CONNECT_TIMEOUT_MS = 5_000;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(DB_MODULE_OPTIONS) { databaseUrl, poolSize = DEFAULT_POOL_SIZE }: DbModuleOptions) {
    super({
      adapter: new PrismaPg({
        connectionString: databaseUrl,
        max: poolSize,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    // The adapter's pool connects lazily, so $connect alone succeeds even when the database is unreachable.
    await this.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
