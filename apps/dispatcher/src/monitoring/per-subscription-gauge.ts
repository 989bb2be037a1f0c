import type { Gauge } from 'prom-client';

/**
 * A gauge labelled with a subscription id, whose series stay bounded by the subscriptions that exist: `retain`
 * removes those of subscriptions gone since. Without a gauge (METRICS_PER_SUBSCRIPTION off) it records nothing,
 * so /metrics names no subscription at all.
 */
export class PerSubscriptionGauge {
  private readonly ids = new Set<string>();

  constructor(private readonly gauge: Gauge<'subscription_id'> | null) {}

  set(subscriptionId: string, value: number): void {
    if (!this.gauge) return;
    this.gauge.set({ subscription_id: subscriptionId }, value);
    this.ids.add(subscriptionId);
  }

  /** Removes the series of every subscription not in `live`. */
  retain(live: ReadonlySet<string>): void {
    if (!this.gauge) return;
    for (const id of this.ids) {
      if (live.has(id)) continue;
      this.gauge.remove({ subscription_id: id });
      this.ids.delete(id);
    }
  }
}
