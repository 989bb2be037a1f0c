import { SubscriptionStatus, type PrismaService } from '@smart-dairy/db';
import { randomBytes } from 'node:crypto';

export interface SubscriptionFixture {
  url?: string;
  events: string[];
  status?: SubscriptionStatus;
}

/** Inserts a subscription row directly, as the subscription service would. */
export async function createSubscriptionRow(prisma: PrismaService, fixture: SubscriptionFixture) {
  return prisma.subscription.create({
    data: {
      id: `wh_sub_${randomBytes(12).toString('hex')}`,
      url: fixture.url ?? 'http://127.0.0.1:9/unused',
      events: fixture.events,
      status: fixture.status ?? SubscriptionStatus.active,
      secretCiphertext: 'test-only',
    },
  });
}
