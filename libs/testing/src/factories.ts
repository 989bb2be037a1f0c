import { generateApiKey } from '@smart-dairy/api-auth';
import {
  SubscriptionOrdering,
  SubscriptionStatus,
  type ApiKeyScope,
  type PrismaService,
} from '@smart-dairy/db';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { generateSecret } from '@smart-dairy/signing';
import { randomBytes } from 'node:crypto';
import { TEST_SECRET_ENCRYPTION_KEYS } from './test-keys';

// The services under test get the same ring from serviceEnv.
const cipher = SecretCipher.fromKeyRing(TEST_SECRET_ENCRYPTION_KEYS);

export interface SubscriptionFixture {
  url?: string;
  events: string[];
  status?: SubscriptionStatus;
  rateLimitPerSecond?: number;
  ordering?: SubscriptionOrdering;
}

/** Inserts a subscription row directly, as the subscription service would; returns its secret too. */
export async function createSubscriptionRow(prisma: PrismaService, fixture: SubscriptionFixture) {
  const secret = generateSecret();
  const id = `wh_sub_${randomBytes(12).toString('hex')}`;
  const row = await prisma.subscription.create({
    data: {
      id,
      url: fixture.url ?? 'http://127.0.0.1:9/unused',
      events: fixture.events,
      status: fixture.status ?? SubscriptionStatus.active,
      rateLimitPerSecond: fixture.rateLimitPerSecond ?? null,
      ordering: fixture.ordering ?? SubscriptionOrdering.none,
      secretCiphertext: cipher.encrypt(secret, { subscriptionId: id, slot: 'current' }),
    },
  });
  return { ...row, secret };
}

/** Inserts an API key row directly, as ApiKeyStore.create would; returns the plaintext key. */
export async function createApiKeyRow(
  prisma: PrismaService,
  scope: ApiKeyScope,
  name: string,
): Promise<string> {
  const { key, prefix, hash } = generateApiKey();
  await prisma.apiKey.create({
    data: { id: `key_${randomBytes(16).toString('hex')}`, name, prefix, hash, scope },
  });
  return key;
}
