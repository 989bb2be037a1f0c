import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY_RATE_LIMITER, ApiKeyGuard } from './api-key.guard';
import { API_KEY_STORE_OPTIONS, ApiKeyStore, type ApiKeyStoreOptions } from './api-key-store';
import { TokenBucketLimiter, type RateLimit } from './token-bucket';

export interface ApiAuthOptions {
  /** How long a valid key is trusted without asking Postgres, so how long a revocation takes to reach every process. */
  cacheTtlMs?: number;
  /** Per key, per process. */
  rateLimit: RateLimit;
}

const DEFAULT_CACHE_TTL_MS = 5_000;

/**
 * API keys for the admin and producer APIs. Global, so that @UseGuards(ApiKeyGuard) resolves in any
 * module; needs DbModule. The guard is not registered as APP_GUARD: it belongs on /v1 controllers only.
 */
@Module({})
export class ApiAuthModule {
  static forRoot({ cacheTtlMs = DEFAULT_CACHE_TTL_MS, rateLimit }: ApiAuthOptions): DynamicModule {
    const storeOptions: ApiKeyStoreOptions = { cacheTtlMs, now: Date.now };
    return {
      module: ApiAuthModule,
      global: true,
      providers: [
        { provide: API_KEY_STORE_OPTIONS, useValue: storeOptions },
        ApiKeyStore,
        { provide: API_KEY_RATE_LIMITER, useFactory: () => new TokenBucketLimiter(rateLimit) },
        ApiKeyGuard,
      ],
      exports: [ApiKeyStore, API_KEY_RATE_LIMITER, ApiKeyGuard],
    };
  }
}
