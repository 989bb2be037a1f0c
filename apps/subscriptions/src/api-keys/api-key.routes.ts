import type { RouteSpec } from '../http/endpoint';
import { ApiKeyList, ApiKeyView, CreateApiKeyBody, CreatedApiKeyView } from './api-key.schemas';

const tag = 'API keys';

export const API_KEY_ROUTES = {
  create: {
    method: 'post',
    path: '/v1/api-keys',
    tag,
    summary: 'Create an API key; the answer is the only place the key is ever shown',
    scopes: [],
    body: CreateApiKeyBody,
    status: 201,
    response: CreatedApiKeyView,
  },
  list: {
    method: 'get',
    path: '/v1/api-keys',
    tag,
    summary: 'List API keys, revoked and expired ones included',
    scopes: [],
    status: 200,
    response: ApiKeyList,
  },
  revoke: {
    method: 'delete',
    path: '/v1/api-keys/:id',
    tag,
    summary: 'Revoke an API key (idempotent); other replicas stop accepting it within API_KEY_CACHE_TTL_MS',
    scopes: [],
    status: 200,
    response: ApiKeyView,
  },
} as const satisfies Record<string, RouteSpec>;
