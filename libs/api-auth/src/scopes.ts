import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope } from '@smart-dairy/db';

export const REQUIRED_SCOPES = Symbol('REQUIRED_SCOPES');

/**
 * Marks the scopes, besides admin, that may call a route (or every route of a controller). A route
 * without the mark is for admin keys only, so forgetting it fails closed.
 */
export const RequireScope = (...scopes: ApiKeyScope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

export function scopePermits(scope: ApiKeyScope, required: readonly ApiKeyScope[]): boolean {
  return scope === 'admin' || required.includes(scope);
}
