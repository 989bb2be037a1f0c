export { ApiAuthModule, type ApiAuthOptions, type FailedAuthLimit } from './api-auth.module';
export { ApiKeyGuard } from './api-key.guard';
export { ApiKeyStore, BOOTSTRAP_KEY_NAME, type CreatedApiKey, type NewApiKey } from './api-key-store';
export { API_KEY_PREFIX, generateApiKey, hashApiKey, type GeneratedApiKey } from './api-key';
export { authenticatedKey } from './authenticated-key';
export { RequireScope } from './scopes';
export type { RateLimit } from './token-bucket';
