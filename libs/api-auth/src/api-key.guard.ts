import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKey, ApiKeyScope } from '@smart-dairy/db';
import { ProblemError } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { ApiKeyStore } from './api-key-store';
import { attachAuthenticatedKey } from './authenticated-key';
import { bearerToken } from './bearer-token';
import { REQUIRED_SCOPES, scopePermits } from './scopes';
import type { TokenBucketLimiter } from './token-bucket';

export const API_KEY_RATE_LIMITER = Symbol('API_KEY_RATE_LIMITER');
export const FAILED_AUTH_LIMITER = Symbol('FAILED_AUTH_LIMITER');

/**
 * Authenticates the bearer API key, limits its request rate, then checks its scope against the route's
 * RequireScope. Rate limiting comes before the scope check so that a key probing forbidden routes is
 * limited too. Apply it with @UseGuards to the /v1 controllers; /health, /ready and /metrics stay open.
 *
 * A key this process has cached is accepted without further ado. Anything else costs its client
 * address a token of the failed-authentication limiter before Postgres is asked, and gets the token
 * back if the key turns out valid: so an address out of tokens is answered 429 without a database
 * read however many requests it sends at once, while its valid cached keys keep working.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly store: ApiKeyStore,
    @Inject(API_KEY_RATE_LIMITER) private readonly limiter: TokenBucketLimiter,
    @Inject(FAILED_AUTH_LIMITER) private readonly failures: TokenBucketLimiter,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const apiKey = await this.authenticate(request);

    const decision = this.limiter.take(apiKey.id);
    if (!decision.allowed) {
      throw new ProblemError('rate_limited', 'Too many requests with this API key; retry later.', {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }

    const required =
      this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    if (!scopePermits(apiKey.scope, required)) {
      const allowed = ['admin', ...required].join(' or ');
      throw new ProblemError(
        'forbidden',
        `This route needs a key with scope ${allowed}; this key has ${apiKey.scope}.`,
      );
    }

    attachAuthenticatedKey(request, apiKey);
    return true;
  }

  private async authenticate(request: Request): Promise<ApiKey> {
    const token = bearerToken(request.headers.authorization);
    const cached = token === undefined ? null : await this.store.authenticateCached(token);
    if (cached) return cached;

    const address = clientAddress(request);
    const decision = this.failures.take(address);
    if (!decision.allowed) {
      throw new ProblemError(
        'too_many_failed_authentications',
        'Too many requests without a valid API key from this address; retry later.',
        { headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
      );
    }
    if (token === undefined) {
      throw unauthorized('Send an API key in an "Authorization: Bearer <key>" header.');
    }
    const apiKey = await this.store.authenticate(token);
    if (!apiKey) throw unauthorized('The API key is invalid, expired or revoked.');
    this.failures.giveBack(address);
    return apiKey;
  }
}

/** The peer, or with Express's `trust proxy` set, the address that many proxy hops reported. */
function clientAddress(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

function unauthorized(detail: string): ProblemError {
  return new ProblemError('unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
}
