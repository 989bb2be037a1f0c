import { SubscriptionStatus, type PrismaService } from '@smart-dairy/db';
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
      secretCiphertext: cipher.encrypt(secret, { subscriptionId: id, slot: 'current' }),
    },
  });
  return { ...row, secret };
}
