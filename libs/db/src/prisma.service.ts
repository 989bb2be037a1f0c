import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { DB_MODULE_OPTIONS, type DbModuleOptions } from './db.options';
import { PrismaClient } from './generated/prisma/client';

const DEFAULT_POOL_SIZE = 10;
// pg waits forever for a connection by default: a black-holed host would hang the boot instead of failing it.
const CONNECT_TIMEOUT_MS = 5_000;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DB_MODULE_OPTIONS)
    { databaseUrl, poolSize = DEFAULT_POOL_SIZE, onConnectionError = warn }: DbModuleOptions,
  ) {
    const pool = new Pool({
      connectionString: databaseUrl,
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // A server going away can tell a client the adapter holds between two queries, when nothing listens
    // on it; pg then throws the error at the process and the service dies. Every client listens for good:
    // the query in flight fails on its own, and the pool replaces the broken client.
    pool.on('connect', (client) => client.on('error', onConnectionError));
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
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

function warn(error: Error): void {
  process.emitWarning(`database connection lost: ${error.message}`);
}
