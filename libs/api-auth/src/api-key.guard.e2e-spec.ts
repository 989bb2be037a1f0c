import { Controller, Get, Module, Post, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DbModule, PrismaService, type ApiKeyScope } from '@smart-dairy/db';
import { ProblemFilter } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { ApiAuthModule, type ApiAuthOptions, type FailedAuthLimit } from './api-auth.module';
import { hashApiKey } from './api-key';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStore } from './api-key-store';
import { authenticatedKey } from './authenticated-key';
import { RequireScope } from './scopes';

const caller = (request: Request) => ({ caller: authenticatedKey(request).name });

@Controller('v1')
@UseGuards(ApiKeyGuard)
class GuardedController {
  @Post('api-keys')
  createKey(@Req() request: Request) {
    return caller(request);
  }

  @Get('subscriptions')
  @RequireScope('read')
  listSubscriptions(@Req() request: Request) {
    return caller(request);
  }

  @Post('events')
  @RequireScope('producer')
  publish(@Req() request: Request) {
    return caller(request);
  }
}

@Controller()
class HealthController {
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

// Large enough that the cases of one suite, all from 127.0.0.1, never meet it.
const NO_FAILURE_LIMIT: FailedAuthLimit = { burst: 1_000, perMinute: 60_000, maxAddresses: 100 };

async function startApp(
  options: Omit<ApiAuthOptions, 'failedAuthLimit'> & Partial<Pick<ApiAuthOptions, 'failedAuthLimit'>>,
): Promise<NestExpressApplication> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is set by the integration global setup');

  @Module({
    imports: [
      DbModule.forRoot({ databaseUrl, poolSize: 2 }),
      ApiAuthModule.forRoot({ failedAuthLimit: NO_FAILURE_LIMIT, ...options }),
    ],
    controllers: [GuardedController, HealthController],
  })
  class AppModule {}

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
  app.useGlobalFilters(new ProblemFilter({ error: jest.fn() }));
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('ApiKeyGuard on /v1 routes', () => {
  let app: INestApplication;
  let baseUrl: string;
  let store: ApiKeyStore;
  const keys: Partial<Record<ApiKeyScope | 'revoked' | 'expired', string>> = {};
  const createdIds: string[] = [];

  const createKey = async (target: ApiKeyStore, scope: ApiKeyScope, expiresAt?: Date) => {
    const { apiKey, key } = await target.create({ name: `guard-test-${scope}`, scope, expiresAt });
    createdIds.push(apiKey.id);
    return { apiKey, key };
  };

  beforeAll(async () => {
    app = await startApp({ cacheTtlMs: 0, rateLimit: { perSecond: 1_000, burst: 1_000 } });
    baseUrl = await app.getUrl();
    store = app.get(ApiKeyStore);
    for (const scope of ['admin', 'read', 'producer'] as const)
      keys[scope] = (await createKey(store, scope)).key;
    const revoked = await createKey(store, 'admin');
    await store.revoke(revoked.apiKey.id);
    keys.revoked = revoked.key;
    keys.expired = (await createKey(store, 'admin', new Date(Date.now() - 1_000))).key;
  });
  afterAll(async () => {
    await app.get(PrismaService).apiKey.deleteMany({ where: { id: { in: createdIds } } });
    await app.close();
  });

  const call = async (
    method: string,
    path: string,
    authorization?: string,
    base = baseUrl,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(authorization === undefined ? {} : { authorization }) },
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['an unknown key', () => 'Bearer sdk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a revoked key', () => `Bearer ${keys.revoked}`],
    ['an expired key', () => `Bearer ${keys.expired}`],
  ])('answers %s with 401 unauthorized and a Bearer challenge', async (_case, authorization) => {
    const response = await call('GET', '/v1/subscriptions', authorization?.());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({ code: 'unauthorized', instance: '/v1/subscriptions' });
  });

  it.each<[ApiKeyScope, string, string, number]>([
    ['admin', 'POST', '/v1/api-keys', 201],
    ['admin', 'GET', '/v1/subscriptions', 200],
    ['admin', 'POST', '/v1/events', 201],
    ['read', 'GET', '/v1/subscriptions', 200],
    ['read', 'POST', '/v1/api-keys', 403],
    ['read', 'POST', '/v1/events', 403],
    ['producer', 'POST', '/v1/events', 201],
    ['producer', 'GET', '/v1/subscriptions', 403],
    ['producer', 'POST', '/v1/api-keys', 403],
  ])('a %s key calling %s %s gets %i', async (scope, method, path, status) => {
    const response = await call(method, path, `Bearer ${keys[scope]}`);
    expect(response.status).toBe(status);
    if (status === 403) {
      expect(response.body).toMatchObject({ code: 'forbidden', status: 403 });
      expect(response.headers.get('www-authenticate')).toBeNull();
    } else {
      expect(response.body).toEqual({ caller: `guard-test-${scope}` });
    }
  });

  it('lets the bootstrap admin key in, created once from the operator-supplied value', async () => {
    const plaintext = `bootstrap-${randomBytes(24).toString('hex')}`;
    await expect(store.ensureBootstrapAdminKey(plaintext)).resolves.toBe(true);
    await expect(store.ensureBootstrapAdminKey(plaintext)).resolves.toBe(false);
    const rows = await app.get(PrismaService).apiKey.findMany({ where: { hash: hashApiKey(plaintext) } });
    createdIds.push(...rows.map((r) => r.id));
    expect(rows).toHaveLength(1);
    await expect(call('POST', '/v1/api-keys', `Bearer ${plaintext}`)).resolves.toMatchObject({
      status: 201,
      body: { caller: 'bootstrap' },
    });
  });

  it('leaves routes outside /v1 open', async () => {
    await expect(call('GET', '/health')).resolves.toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  describe('with a small rate limit', () => {
    let limitedApp: INestApplication;
    let limitedUrl: string;
    let limitedStore: ApiKeyStore;

    beforeAll(async () => {
      limitedApp = await startApp({ rateLimit: { perSecond: 0.5, burst: 2 } });
      limitedUrl = await limitedApp.getUrl();
      limitedStore = limitedApp.get(ApiKeyStore);
    });
    afterAll(() => limitedApp.close());

    it('answers 429 with Retry-After once a key has spent its burst, and limits each key on its own', async () => {
      const { key } = await createKey(limitedStore, 'read');
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push(await call('GET', '/v1/subscriptions', `Bearer ${key}`, limitedUrl));
      expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
      const limited = statuses[2];
      expect(limited.body).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(limited.headers.get('retry-after')).toBe('2');

      const other = await createKey(limitedStore, 'read');
      await expect(
        call('GET', '/v1/subscriptions', `Bearer ${other.key}`, limitedUrl),
      ).resolves.toMatchObject({
        status: 200,
      });
    });
  });
  describe('with a small failed-authentication limit behind one trusted proxy', () => {
    let limitedApp: INestApplication;
    let limitedUrl: string;
    let limitedStore: ApiKeyStore;
    const from = (address: string, authorization?: string) =>
      call('GET', '/v1/subscriptions', authorization, limitedUrl, { 'x-forwarded-for': address });
    const badKey = `Bearer sdk_${'B'.repeat(43)}`;

    beforeAll(async () => {
      limitedApp = await startApp({
        cacheTtlMs: 0,
        rateLimit: { perSecond: 1_000, burst: 1_000 },
        failedAuthLimit: { burst: 2, perMinute: 1, maxAddresses: 100 },
        trustProxyHops: 1,
      });
      limitedUrl = await limitedApp.getUrl();
      limitedStore = limitedApp.get(ApiKeyStore);
    });
    afterAll(() => limitedApp.close());

    it('answers 429 once an address has spent its failures, and limits each address on its own', async () => {
      const statuses = [];
      for (const authorization of [badKey, undefined, badKey])
        statuses.push(await from('203.0.113.1', authorization));
      expect(statuses.map((r) => r.status)).toEqual([401, 401, 429]);
      expect(statuses[2].body).toMatchObject({ code: 'too_many_failed_authentications', status: 429 });
      expect(statuses[2].headers.get('retry-after')).toBe('60');
      expect(statuses[2].headers.get('www-authenticate')).toBeNull();

      // Not cached (TTL 0), so it would need a token from the limited address; another has its own.
      const { key } = await createKey(limitedStore, 'read');
      await expect(from('203.0.113.1', `Bearer ${key}`)).resolves.toMatchObject({ status: 429 });
      await expect(from('203.0.113.2', `Bearer ${key}`)).resolves.toMatchObject({ status: 200 });
      await expect(from('203.0.113.2', badKey)).resolves.toMatchObject({ status: 401 });
    });

    it('gives the token back when the key turns out valid', async () => {
      const { key } = await createKey(limitedStore, 'read');
      const statuses = [];
      for (const authorization of [badKey, `Bearer ${key}`, `Bearer ${key}`, badKey, badKey])
        statuses.push((await from('203.0.113.3', authorization)).status);
      expect(statuses).toEqual([401, 200, 200, 401, 429]);
    });
  });
});
