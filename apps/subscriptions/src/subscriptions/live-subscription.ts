import type { PrismaService, Subscription } from '@smart-dairy/db';
import { NotFoundProblem } from '@smart-dairy/http-problem';
import { SUBSCRIPTION_ID } from './subscription.schemas';

type SubscriptionReader = Pick<PrismaService, 'subscription'>;

/** The subscription unless it is unknown or deleted; a malformed id is simply unknown. */
export async function liveSubscription(prisma: SubscriptionReader, id: string): Promise<Subscription> {
  const row = SUBSCRIPTION_ID.test(id)
    ? await prisma.subscription.findFirst({ where: { id, deletedAt: null } })
    : null;
  if (!row) throw new NotFoundProblem(`Subscription ${JSON.stringify(id)} not found.`);
  return row;
}
