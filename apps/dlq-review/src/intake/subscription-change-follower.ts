import { Injectable } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import type { SubscriptionChange } from '@smart-dairy/messages';
import { OpsNotifier } from '../notifications/ops-notifier';
import { subscriptionDisabledEvent } from '../notifications/system-events';

/**
 * `subscriptions.changes`: whoever disabled a subscription (the dispatcher on 410 Gone or days of
 * failures, an admin through the API), operators hear of it once, from here.
 */
@Injectable()
export class SubscriptionChangeFollower {
  constructor(
    private readonly prisma: PrismaService,
    private readonly notifier: OpsNotifier,
  ) {}

  async receive(changes: readonly SubscriptionChange[]): Promise<void> {
    const disabled = changes.filter((c) => c.change === 'disabled');
    if (disabled.length === 0) return;
    // The announcement carries only the id; the reason is on the row.
    const rows = await this.prisma.subscription.findMany({
      where: { id: { in: disabled.map((c) => c.subscriptionId) } },
      select: { id: true, disabledReason: true },
    });
    const reasons = new Map(rows.map((row) => [row.id, row.disabledReason]));
    await this.notifier.publish(
      disabled.map((change) => subscriptionDisabledEvent(change, reasons.get(change.subscriptionId) ?? null)),
    );
  }
}
