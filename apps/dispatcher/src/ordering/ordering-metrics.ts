import { Injectable } from '@nestjs/common';
import { metricsOn } from '@smart-dairy/service-kit';
import { Counter, Gauge, Registry } from 'prom-client';
import type { HeldBack } from '../deliveries/deliveries.repository';

const HELP = {
  dispatcher_ordering_held_keys:
    'Per subscription with per_key ordering: keys with a delivery waiting for an earlier one of the key',
  dispatcher_ordering_oldest_held_seconds:
    'Per subscription with per_key ordering: age of the oldest delivery waiting for an earlier one (0: none)',
  dispatcher_ordering_holds_total: 'Deliveries parked to wait for an earlier delivery of their key',
  dispatcher_ordering_missed_releases_total:
    'Waiting deliveries released by the sweeper: the release after the one ahead ended was lost (a crash)',
};

/** What ordered delivery holds back, per ordered subscription, as Postgres shows it at each sweep. */
@Injectable()
export class OrderingMetrics {
  readonly heldKeys: Gauge<'subscription_id'>;
  readonly oldestHeldSeconds: Gauge<'subscription_id'>;
  readonly holds: Counter;
  readonly missedReleases: Counter;

  constructor(registry: Registry) {
    const metric = metricsOn(registry, HELP);
    this.heldKeys = metric.gauge('dispatcher_ordering_held_keys', ['subscription_id']);
    this.oldestHeldSeconds = metric.gauge('dispatcher_ordering_oldest_held_seconds', ['subscription_id']);
    this.holds = metric.counter('dispatcher_ordering_holds_total');
    this.missedReleases = metric.counter('dispatcher_ordering_missed_releases_total');
  }

  /** Replaces every series: a subscription no longer ordered (or deleted) drops out. */
  show(heldBack: readonly HeldBack[], now: Date): void {
    this.heldKeys.reset();
    this.oldestHeldSeconds.reset();
    for (const { subscriptionId, keys, oldestCreatedAt } of heldBack) {
      const labels = { subscription_id: subscriptionId };
      this.heldKeys.set(labels, keys);
      const ageMs = oldestCreatedAt ? now.getTime() - oldestCreatedAt.getTime() : 0;
      this.oldestHeldSeconds.set(labels, Math.max(0, ageMs) / 1000);
    }
  }
}
