import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { DB_MODULE_OPTIONS, type DbModuleOptions } from './db.options';
import { PrismaClient } from './generated/prisma/client';

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 15_000;
/** How much later than the server the client gives up on a statement, so the server's answer wins a tie. */
const CLIENT_GRACE_MS = 1_000;

/**
 * pg and Prisma wait forever by default: for a connection, for a statement's answer, for a transaction.
 * A server that is paused, or a connection the network dropped without a word, then holds a consumer's
 * batch for good while every probe looks fine. Every wait here has an end:
 * - a connection: `connectionTimeoutMillis`;
 * - a statement: the server cancels it after `statement_timeout`, and the client gives up a little later
 *   (`query_timeout`) in case the server cannot answer at all; a pooled query that timed out takes its
 *   connection out of the pool;
 * - a transaction: Prisma's own `timeout` and `maxWait`, and the server ends a session left idle inside
 *   one (`idle_in_transaction_session_timeout`);
 * - a dead peer: TCP keepalive.
 */

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DB_MODULE_OPTIONS)
    {
      databaseUrl,
      poolSize = DEFAULT_POOL_SIZE,
      connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
      queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
      onConnectionError = warn,
    }: DbModuleOptions,
  ) {
    const pool = new Pool({
      connectionString: databaseUrl,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: queryTimeoutMs,
      query_timeout: queryTimeoutMs + CLIENT_GRACE_MS,
      idle_in_transaction_session_timeout: queryTimeoutMs,
      keepAlive: true,
    });
    // A server going away can tell a client the adapter holds between two queries, when nothing listens
    // on it; pg then throws the error at the process and the service dies. Every client listens for good:
    // the query in flight fails on its own, and the pool replaces the broken client.
    pool.on('connect', (client) => client.on('error', onConnectionError));
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      transactionOptions: { maxWait: connectTimeoutMs, timeout: queryTimeoutMs },
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

function warn(error: Error): void {
  process.emitWarning(`database connection lost: ${error.message}`);
}
