import { createMigratedThrowawayDatabase, type PrismaService } from '@smart-dairy/db';
import { NotFoundProblem } from '@smart-dairy/http-problem';
import { randomBytes } from 'node:crypto';
import { hashApiKey } from './api-key';
import { ApiKeyStore } from './api-key-store';

const CACHE_TTL_MS = 5_000;

describe('ApiKeyStore against Postgres', () => {
  let prisma: PrismaService;
  const clock = { ms: Date.now() };
  let store: ApiKeyStore;

  let close: () => Promise<void>;

  // A database of its own: a new bootstrap key revokes every other one, including other suites'.
  beforeAll(async () => {
    ({ prisma, close } = await createMigratedThrowawayDatabase('api_key_store'));
  });
  afterAll(() => close());
  beforeEach(() => {
    clock.ms = Date.now();
    store = new ApiKeyStore(prisma, { cacheTtlMs: CACHE_TTL_MS, now: () => clock.ms });
  });

  const create = async (scope: 'admin' | 'read' | 'producer' = 'read', expiresAt?: Date) => {
    const created = await store.create({ name: `store-test-${scope}`, scope, expiresAt });
    return created;
  };
  const row = (id: string) => prisma.apiKey.findUniqueOrThrow({ where: { id } });
  // Another replica revoking: this process's cache does not hear about it.
  const revokeElsewhere = (id: string) =>
    prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date(clock.ms) } });

  it('creates a key whose plaintext it returns once and never stores', async () => {
    const { apiKey, key } = await create('producer');
    expect(apiKey).toMatchObject({
      name: 'store-test-producer',
      scope: 'producer',
      prefix: key.slice(0, 12),
    });
    expect(apiKey.id).toMatch(/^key_[0-9a-f]{32}$/);
    const stored = await row(apiKey.id);
    expect(stored.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(12));
    expect((await store.list()).map((k) => k.id)).toContain(apiKey.id);
  });

  it('authenticates a valid key and nothing else', async () => {
    const { apiKey, key } = await create();
    await expect(store.authenticate(key)).resolves.toMatchObject({ id: apiKey.id, scope: 'read' });
    await expect(store.authenticate(`${key}x`)).resolves.toBeNull();
    await expect(store.authenticate('')).resolves.toBeNull();
  });

  it('refuses a revoked key at once in the process that revoked it', async () => {
    const { apiKey, key } = await create();
    await store.authenticate(key);
    await store.revoke(apiKey.id);
    await expect(store.authenticate(key)).resolves.toBeNull();
  });

  it('honours a revocation made elsewhere once the cache entry is older than the TTL', async () => {
    const { apiKey, key } = await create();
    await store.authenticate(key);
    await revokeElsewhere(apiKey.id);
    clock.ms += CACHE_TTL_MS - 1;
    await expect(store.authenticate(key)).resolves.toMatchObject({ id: apiKey.id });
    clock.ms += 1;
    await expect(store.authenticate(key)).resolves.toBeNull();
  });

  it('asks Postgres every time when the TTL is zero', async () => {
    const uncached = new ApiKeyStore(prisma, { cacheTtlMs: 0, now: () => clock.ms });
    const { apiKey, key } = await create();
    await uncached.authenticate(key);
    await revokeElsewhere(apiKey.id);
    await expect(uncached.authenticate(key)).resolves.toBeNull();
  });

  it('refuses a key from the moment it expires, cached or not', async () => {
    const { key } = await create('read', new Date(clock.ms + 1_000));
    await expect(store.authenticate(key)).resolves.not.toBeNull();
    clock.ms += 1_000;
    await expect(store.authenticate(key)).resolves.toBeNull();
    await expect(
      new ApiKeyStore(prisma, { cacheTtlMs: 0, now: () => clock.ms }).authenticate(key),
    ).resolves.toBeNull();
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { apiKey, key } = await create();
    const start = clock.ms;
    await store.authenticate(key);
    expect((await row(apiKey.id)).lastUsedAt).toEqual(new Date(start));
    clock.ms = start + 59_999;
    await store.authenticate(key);
    expect((await row(apiKey.id)).lastUsedAt).toEqual(new Date(start));
    clock.ms = start + 60_000;
    await store.authenticate(key);
    expect((await row(apiKey.id)).lastUsedAt).toEqual(new Date(start + 60_000));
  });

  it('trusts a recent lastUsedAt written by another process', async () => {
    const { apiKey, key } = await create();
    const recent = new Date(clock.ms - 1_000);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: recent } });
    await store.authenticate(key);
    expect((await row(apiKey.id)).lastUsedAt).toEqual(recent);
  });

  it('keeps the first revocation time when a key is revoked twice', async () => {
    const { apiKey } = await create();
    const first = await store.revoke(apiKey.id);
    clock.ms += 10_000;
    const second = await store.revoke(apiKey.id);
    expect(first.revokedAt).toEqual(new Date(clock.ms - 10_000));
    expect(second.revokedAt).toEqual(first.revokedAt);
  });

  it('answers not_found when revoking an unknown key', async () => {
    await expect(store.revoke('key_does_not_exist')).rejects.toBeInstanceOf(NotFoundProblem);
  });

  describe('ensureBootstrapAdminKey', () => {
    const plaintext = `bootstrap-${randomBytes(24).toString('hex')}`;
    const rowsOfBootstrapKey = () => prisma.apiKey.findMany({ where: { hash: hashApiKey(plaintext) } });
    afterAll(() => prisma.apiKey.deleteMany({ where: { hash: hashApiKey(plaintext) } }));

    it('creates the admin key once, however often and concurrently it is called', async () => {
      const results = await Promise.all([
        store.ensureBootstrapAdminKey(plaintext),
        store.ensureBootstrapAdminKey(plaintext),
      ]);
      expect(results.sort()).toEqual([false, true]);
      await expect(store.ensureBootstrapAdminKey(plaintext)).resolves.toBe(false);
      const rows = await rowsOfBootstrapKey();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        name: 'bootstrap',
        scope: 'admin',
        prefix: expect.stringMatching(/^boot_/),
      });
      // Generated, not cut from the operator's value.
      expect(plaintext).not.toContain(rows[0].prefix);
      expect(plaintext).not.toContain(rows[0].prefix.slice('boot_'.length));
      await expect(store.authenticate(plaintext)).resolves.toMatchObject({ id: rows[0].id, scope: 'admin' });
    });

    it('does not bring a revoked bootstrap key back', async () => {
      const [bootstrap] = await rowsOfBootstrapKey();
      await store.revoke(bootstrap.id);
      await expect(store.ensureBootstrapAdminKey(plaintext)).resolves.toBe(false);
      await expect(store.authenticate(plaintext)).resolves.toBeNull();
    });

    it('revokes the earlier bootstrap key when ADMIN_API_KEY changes, and only then', async () => {
      const first = `bootstrap-${randomBytes(24).toString('hex')}`;
      const second = `bootstrap-${randomBytes(24).toString('hex')}`;
      const cleanUp = () =>
        prisma.apiKey.deleteMany({ where: { hash: { in: [first, second].map(hashApiKey) } } });
      try {
        await expect(store.ensureBootstrapAdminKey(first)).resolves.toBe(true);
        await expect(store.authenticate(first)).resolves.not.toBeNull();

        await expect(store.ensureBootstrapAdminKey(second)).resolves.toBe(true);
        await expect(store.authenticate(first)).resolves.toBeNull();
        await expect(store.authenticate(second)).resolves.toMatchObject({ scope: 'admin' });

        // A replica still running with the old value must not take the new key away.
        await expect(store.ensureBootstrapAdminKey(first)).resolves.toBe(false);
        await expect(store.authenticate(second)).resolves.toMatchObject({ scope: 'admin' });
        const prefixes = await prisma.apiKey.findMany({
          where: { hash: { in: [first, second].map(hashApiKey) } },
          select: { prefix: true },
        });
        expect(new Set(prefixes.map((p) => p.prefix)).size).toBe(2);
      } finally {
        await cleanUp();
      }
    });

    it('refuses a key too short to be safe', async () => {
      await expect(store.ensureBootstrapAdminKey('admin')).rejects.toThrow(/at least 32 characters/);
    });
  });
});
