import type { ApiKeyScope } from '@smart-dairy/db';
import { scopePermits } from './scopes';

describe('scopePermits', () => {
  it.each<[ApiKeyScope, ApiKeyScope[], boolean]>([
    ['admin', [], true],
    ['admin', ['read'], true],
    ['admin', ['producer'], true],
    ['read', ['read'], true],
    ['read', ['read', 'producer'], true],
    ['read', ['producer'], false],
    ['read', [], false],
    ['read', ['admin'], false],
    ['producer', ['producer'], true],
    ['producer', ['read'], false],
    ['producer', [], false],
  ])('a %s key on a route marked %j: %s', (scope, required, permitted) => {
    expect(scopePermits(scope, required)).toBe(permitted);
  });
});
