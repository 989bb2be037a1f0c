import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ApiKeyStore, hashApiKey } from '@smart-dairy/api-auth';
import { PrismaService, type ApiKey } from '@smart-dairy/db';
import { NotFoundProblem } from '@smart-dairy/http-problem';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { auditEntry } from '../audit/audit-entry';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import type { Actor } from '../http/actor';
import { isoOrNull } from '../http/fields';
import {
  API_KEY_ID,
  type ApiKeyView,
  type CreateApiKeyInput,
  type CreatedApiKeyView,
} from './api-key.schemas';

const SYSTEM: Actor = { keyId: null, name: 'system' };

@Injectable()
export class ApiKeysService implements OnModuleInit {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly prisma: PrismaService,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: Pick<SubscriptionsConfig, 'ADMIN_API_KEY'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The first admin key comes from ADMIN_API_KEY, so a fresh deployment can be administered at all. */
  async onModuleInit(): Promise<void> {
    const plaintext = this.config.ADMIN_API_KEY;
    if (plaintext === undefined || !(await this.store.ensureBootstrapAdminKey(plaintext))) return;
    const key = await this.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(plaintext) } });
    await this.prisma.auditLogEntry.create({
      data: auditEntry(SYSTEM, 'api_key.created', 'api_key', key.id, { name: key.name, scope: key.scope }),
    });
    this.logger.info(
      { keyId: key.id, prefix: key.prefix },
      'bootstrap admin API key created from ADMIN_API_KEY',
    );
  }

  async create(input: CreateApiKeyInput, actor: Actor): Promise<CreatedApiKeyView> {
    const { apiKey, key } = await this.store.create({
      name: input.name,
      scope: input.scope,
      expiresAt: input.expires_at === undefined ? undefined : new Date(input.expires_at),
    });
    await this.prisma.auditLogEntry.create({
      data: auditEntry(actor, 'api_key.created', 'api_key', apiKey.id, {
        name: apiKey.name,
        scope: apiKey.scope,
      }),
    });
    return { ...apiKeyView(apiKey), key };
  }

  async list(): Promise<{ data: ApiKeyView[] }> {
    return { data: (await this.store.list()).map(apiKeyView) };
  }

  async revoke(id: string, actor: Actor): Promise<ApiKeyView> {
    if (!API_KEY_ID.test(id)) throw new NotFoundProblem(`API key ${JSON.stringify(id)} not found.`);
    const apiKey = await this.store.revoke(id);
    await this.prisma.auditLogEntry.create({
      data: auditEntry(actor, 'api_key.revoked', 'api_key', id, { name: apiKey.name }),
    });
    return apiKeyView(apiKey);
  }
}

function apiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scope: key.scope,
    expires_at: isoOrNull(key.expiresAt),
    revoked_at: isoOrNull(key.revokedAt),
    last_used_at: isoOrNull(key.lastUsedAt),
    created_at: key.createdAt.toISOString(),
  };
}
