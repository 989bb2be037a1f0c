import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey, type ApiKeyScope } from '@smart-dairy/db';
import { NotFoundProblem } from '@smart-dairy/http-problem';
import { randomBytes } from 'node:crypto';
import { bootstrapDisplayPrefix, generateApiKey, hashApiKey } from './api-key';

export const API_KEY_STORE_OPTIONS = Symbol('API_KEY_STORE_OPTIONS');

export interface ApiKeyStoreOptions {
  /** How long a valid key is trusted without asking Postgres; a revocation made elsewhere waits this long. */
  cacheTtlMs: number;
  /** Wall-clock milliseconds, compared with expiresAt. */
  now: () => number;
}

export interface NewApiKey {
  name: string;
  scope: ApiKeyScope;
  expiresAt?: Date;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The plaintext key: returned here once and never again. */
  key: string;
}

export const BOOTSTRAP_KEY_NAME = 'bootstrap';
const MIN_BOOTSTRAP_KEY_LENGTH = 32;
// lastUsedAt is for people spotting unused keys; minute precision spares a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeyStore {
  private readonly cache = new Map<string, { apiKey: ApiKey; until: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    @Inject(API_KEY_STORE_OPTIONS) private readonly options: ApiKeyStoreOptions,
  ) {}

  /** The key's row if the key exists, is not revoked and has not expired; otherwise null. */
  authenticate(key: string): Promise<ApiKey | null> {
    return this.authenticateBy(key, (hash, now) => this.lookup(hash, now));
  }

  /**
   * Like authenticate, but only from this process's cache: null for a key that is not cached, without
   * asking Postgres. For callers that must not spend a database read on a likely-invalid key.
   */
  authenticateCached(key: string): Promise<ApiKey | null> {
    return this.authenticateBy(key, (hash, now) => this.cached(hash, now));
  }

  async create({ name, scope, expiresAt }: NewApiKey): Promise<CreatedApiKey> {
    const { key, prefix, hash } = generateApiKey();
    const apiKey = await this.prisma.apiKey.create({
      data: { id: newApiKeyId(), name, prefix, hash, scope, expiresAt },
    });
    return { apiKey, key };
  }

  list(): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Idempotent: revoking a revoked key keeps its original revokedAt. */
  async revoke(id: string): Promise<ApiKey> {
    await this.prisma.apiKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date(this.options.now()) },
    });
    const apiKey = await this.prisma.apiKey.findUnique({ where: { id } });
    if (!apiKey) throw new NotFoundProblem(`API key ${id} not found.`);
    this.cache.delete(apiKey.hash);
    return apiKey;
  }

  /**
   * Stores the operator-supplied admin key unless its hash is already there; true if it was created.
   * Creating it revokes every earlier bootstrap key, so changing ADMIN_API_KEY retires the old value.
   * A revoked bootstrap key stays revoked: the hash is still stored, so it is not recreated, and a
   * replica still configured with an old value revokes nothing.
   */
  async ensureBootstrapAdminKey(plaintext: string): Promise<boolean> {
    if (plaintext.length < MIN_BOOTSTRAP_KEY_LENGTH) {
      throw new Error(`the bootstrap admin key must have at least ${MIN_BOOTSTRAP_KEY_LENGTH} characters`);
    }
    const hash = hashApiKey(plaintext);
    const revoked = await this.prisma.$transaction(async (tx) => {
      // ON CONFLICT DO NOTHING, so replicas booting together cannot race each other into a unique violation.
      const { count } = await tx.apiKey.createMany({
        data: {
          id: newApiKeyId(),
          name: BOOTSTRAP_KEY_NAME,
          // Generated, not cut from the key: the prefix is listed and logged, the key must not be.
          prefix: bootstrapDisplayPrefix(),
          hash,
          scope: 'admin',
        },
        skipDuplicates: true,
      });
      if (count === 0) return null;
      return tx.apiKey.updateManyAndReturn({
        where: { name: BOOTSTRAP_KEY_NAME, revokedAt: null, hash: { not: hash } },
        data: { revokedAt: new Date(this.options.now()) },
        select: { hash: true },
      });
    });
    for (const old of revoked ?? []) this.cache.delete(old.hash);
    return revoked !== null;
  }

  private async authenticateBy(
    key: string,
    find: (hash: string, now: number) => ApiKey | null | Promise<ApiKey | null>,
  ): Promise<ApiKey | null> {
    const now = this.options.now();
    const apiKey = await find(hashApiKey(key), now);
    if (!apiKey || !isUsable(apiKey, now)) return null;
    await this.touch(apiKey, now);
    return apiKey;
  }

  private async lookup(hash: string, now: number): Promise<ApiKey | null> {
    const cached = this.cached(hash, now);
    if (cached) return cached;
    const apiKey = await this.prisma.apiKey.findUnique({ where: { hash } });
    // Only usable keys are cached, so guessing keys cannot grow the cache.
    if (apiKey && isUsable(apiKey, now))
      this.cache.set(hash, { apiKey, until: now + this.options.cacheTtlMs });
    return apiKey;
  }

  private cached(hash: string, now: number): ApiKey | null {
    const entry = this.cache.get(hash);
    if (entry && entry.until > now) return entry.apiKey;
    this.cache.delete(hash);
    return null;
  }

  private async touch(apiKey: ApiKey, now: number): Promise<void> {
    const last = this.touchedAt.get(apiKey.id) ?? apiKey.lastUsedAt?.getTime() ?? -Infinity;
    if (now - last < LAST_USED_RESOLUTION_MS) return;
    // Claimed before the write so that concurrent requests with the same key do not all write.
    this.touchedAt.set(apiKey.id, now);
    await this.prisma.apiKey.updateMany({ where: { id: apiKey.id }, data: { lastUsedAt: new Date(now) } });
  }
}

function isUsable(apiKey: ApiKey, now: number): boolean {
  return apiKey.revokedAt === null && (apiKey.expiresAt === null || apiKey.expiresAt.getTime() > now);
}

function newApiKeyId(): string {
  return `key_${randomBytes(16).toString('hex')}`;
}
