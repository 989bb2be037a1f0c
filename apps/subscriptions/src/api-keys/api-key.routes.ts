import { routeTable } from '@smart-dairy/http-api';
import { ApiKeyList, ApiKeyView, CreateApiKeyBody, CreatedApiKeyView } from './api-key.schemas';

export const API_KEY_ROUTES = routeTable('API keys', {
  create: {
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key; the answer is the only place the key is ever shown',
    body: CreateApiKeyBody,
    status: 201,
    response: CreatedApiKeyView,
  },
  list: {
    method: 'get',
    path: '/v1/api-keys',
    summary: 'List API keys, revoked and expired ones included',
    response: ApiKeyList,
  },
  revoke: {
    method: 'delete',
    path: '/v1/api-keys/:id',
    summary: 'Revoke an API key (idempotent); other replicas stop accepting it within API_KEY_CACHE_TTL_MS',
    response: ApiKeyView,
  },
});
