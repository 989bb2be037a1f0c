import type { ApiKey } from '@smart-dairy/db';
import type { Request } from 'express';

// Beside the request rather than on it: no global augmentation of express's Request, and only the guard sets it.
const authenticatedKeys = new WeakMap<Request, ApiKey>();

export function attachAuthenticatedKey(request: Request, apiKey: ApiKey): void {
  authenticatedKeys.set(request, apiKey);
}

/** The key ApiKeyGuard let through, for audit logs; throws on a route the guard does not cover. */
export function authenticatedKey(request: Request): ApiKey {
  const apiKey = authenticatedKeys.get(request);
  if (!apiKey)
    throw new Error(`no authenticated API key on ${request.method} ${request.path}: is ApiKeyGuard applied?`);
  return apiKey;
}
