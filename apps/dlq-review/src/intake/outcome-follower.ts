import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome } from '@smart-dairy/messages';
import { DlqMetrics } from '../dlq-metrics';
import { EntryStore } from '../entries/entry-store';
import { FailureStreaks } from '../notifications/failure-streaks';
import { OpsNotifier } from '../notifications/ops-notifier';
import { endpointFailingEvent } from '../notifications/system-events';

/** `deliveries.outcomes`: successes resolve entries, runs of failures warn operators. */
@Injectable()
export class OutcomeFollower {
  constructor(
    private readonly store: EntryStore,
    private readonly streaks: FailureStreaks,
    private readonly notifier: OpsNotifier,
    private readonly metrics: DlqMetrics,
  ) {}

  async receive(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    const successes = outcomes.filter((o) => o.outcome === 'delivered');
    this.metrics.resolved.inc(await this.store.resolveDelivered(successes));
    const step = this.streaks.advance(outcomes);
    await this.notifier.publish(step.crossings.map(endpointFailingEvent));
    step.commit();
  }
}
