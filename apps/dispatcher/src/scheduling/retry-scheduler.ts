import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks } from '@smart-dairy/messages';
import { PeriodicJobs } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository, type DueDelivery } from '../deliveries/deliveries.repository';

/**
 * Durable retries: a waiting retry is a row in `retrying` with its due time, so it survives any
 * restart and holds no consumer or partition. Every replica polls and claims due rows (see
 * DeliveriesRepository.claimDue), then sends them back through the delivery topic, keyed by
 * subscription, to whichever replica owns that endpoint. Pending deliveries whose lease ran out
 * come back the same way: no delivery stays pending with no task left to send it.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly kafka: KafkaClient,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    private readonly jobs: PeriodicJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule(
      { name: 'retry-scheduler', run: () => this.releaseDue() },
      { everyMs: this.settings.config.SCHEDULER_INTERVAL_MS },
    );
  }

  /** Claims every due retry (in batches) and re-enqueues it; returns how many. */
  async releaseDue(): Promise<number> {
    let released = 0;
    for (;;) {
      const due = await this.claim();
      if (due.length === 0) return released;
      // Tasks name the deliveries only: the dispatcher reads each one again when it takes the task. Their
      // headers carry the trace context kept with each, so the attempt joins the delivery's trace.
      await publishDeliveryTasks(this.kafka, due);
      released += due.length;
      if (due.length < this.settings.config.SCHEDULER_BATCH_SIZE) return released;
    }
  }

  private claim(): Promise<DueDelivery[]> {
    const { SCHEDULER_BATCH_SIZE, SCHEDULER_CLAIM_TIMEOUT_MS, PENDING_DELIVERY_LEASE_MS } =
      this.settings.config;
    return this.deliveries.claimDue(
      SCHEDULER_BATCH_SIZE,
      SCHEDULER_CLAIM_TIMEOUT_MS,
      PENDING_DELIVERY_LEASE_MS,
    );
  }
}
