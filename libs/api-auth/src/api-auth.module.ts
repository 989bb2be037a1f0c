import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ApiEnv } from '@smart-dairy/config';
import { API_KEY_RATE_LIMITER, ApiKeyGuard, FAILED_AUTH_LIMITER } from './api-key.guard';
import { API_KEY_STORE_OPTIONS, ApiKeyStore, type ApiKeyStoreOptions } from './api-key-store';
import { TokenBucketLimiter, type RateLimit } from './token-bucket';

export interface FailedAuthLimit {
  /** Failed authentications one client address may make at once. */
  burst: number;
  /** Failed authentications per minute it earns back. */
  perMinute: number;
  /** Client addresses remembered per process; the least recently seen beyond this start afresh. */
  maxAddresses: number;
}

export interface ApiAuthOptions {
  /** How long a valid key is trusted without asking Postgres, so how long a revocation takes to reach every process. */
  cacheTtlMs?: number;
  /** Per key, per process. */
  rateLimit: RateLimit;
  /** Per client address, per process: requests that are not authenticated from the key cache. */
  failedAuthLimit: FailedAuthLimit;
  /**
   * Reverse-proxy hops in front of the service whose X-Forwarded-For is believed when telling client
   * addresses apart (Express `trust proxy`); 0 uses the peer address.
   */
  trustProxyHops?: number;
}

const DEFAULT_CACHE_TTL_MS = 5_000;
const TRUST_PROXY_HOPS = Symbol('TRUST_PROXY_HOPS');

/**
 * API keys for the admin and producer APIs. Global, so that @UseGuards(ApiKeyGuard) resolves in any
 * module; needs DbModule. The guard is not registered as APP_GUARD: it belongs on /v1 controllers only.
 */
@Module({})
export class ApiAuthModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TRUST_PROXY_HOPS) private readonly trustProxyHops: number,
  ) {}

  static forRoot({
    cacheTtlMs = DEFAULT_CACHE_TTL_MS,
    rateLimit,
    failedAuthLimit,
    trustProxyHops = 0,
  }: ApiAuthOptions): DynamicModule {
    const storeOptions: ApiKeyStoreOptions = { cacheTtlMs, now: Date.now };
    const { burst, perMinute, maxAddresses } = failedAuthLimit;
    return {
      module: ApiAuthModule,
      global: true,
      providers: [
        { provide: API_KEY_STORE_OPTIONS, useValue: storeOptions },
        { provide: TRUST_PROXY_HOPS, useValue: trustProxyHops },
        ApiKeyStore,
        { provide: API_KEY_RATE_LIMITER, useFactory: () => new TokenBucketLimiter(rateLimit) },
        {
          provide: FAILED_AUTH_LIMITER,
          useFactory: () =>
            new TokenBucketLimiter({ burst, perSecond: perMinute / 60 }, undefined, maxAddresses),
        },
        ApiKeyGuard,
      ],
      exports: [ApiKeyStore, API_KEY_RATE_LIMITER, FAILED_AUTH_LIMITER, ApiKeyGuard],
    };
  }

  /** The module as the api variables of libs/config configure it. */
  static fromEnv(config: ApiEnv): DynamicModule {
    return ApiAuthModule.forRoot({
      cacheTtlMs: config.API_KEY_CACHE_TTL_MS,
      rateLimit: { perSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST },
      failedAuthLimit: {
        burst: config.API_AUTH_FAILURE_BURST,
        perMinute: config.API_AUTH_FAILURES_PER_MINUTE,
        maxAddresses: config.API_AUTH_FAILURE_MAX_ADDRESSES,
      },
      trustProxyHops: config.API_TRUST_PROXY_HOPS,
    });
  }

  onModuleInit(): void {
    // Express reads the setting per request, so setting it before listen covers every route.
    this.adapterHost.httpAdapter
      .getInstance<{ set(name: string, value: unknown): void }>()
      .set('trust proxy', this.trustProxyHops === 0 ? false : this.trustProxyHops);
  }
}
