import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '@smart-dairy/db';
import { ProblemError } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { ApiKeyStore } from './api-key-store';
import { attachAuthenticatedKey } from './authenticated-key';
import { bearerToken } from './bearer-token';
import { REQUIRED_SCOPES, scopePermits } from './scopes';
import type { TokenBucketLimiter } from './token-bucket';

export const API_KEY_RATE_LIMITER = Symbol('API_KEY_RATE_LIMITER');

/**
 * Authenticates the bearer API key, limits its request rate, then checks its scope against the route's
 * RequireScope. Rate limiting comes before the scope check so that a key probing forbidden routes is
 * limited too. Apply it with @UseGuards to the /v1 controllers; /health, /ready and /metrics stay open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly store: ApiKeyStore,
    @Inject(API_KEY_RATE_LIMITER) private readonly limiter: TokenBucketLimiter,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw unauthorized('Send an API key in an "Authorization: Bearer <key>" header.');
    }
    const apiKey = await this.store.authenticate(token);
    if (!apiKey) throw unauthorized('The API key is invalid, expired or revoked.');

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
}

function unauthorized(detail: string): ProblemError {
  return new ProblemError('unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
}
