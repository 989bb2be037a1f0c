import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { TraceContext } from '@smart-dairy/tracing';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { DispatchQueue } from '../endpoints/dispatch-queue';
import { EndpointDirectory } from '../endpoints/endpoint-directory';
import { DeliveryRunner } from './delivery-runner';
import { decideTask } from './task-decision';

/** A delivery task read from Kafka, where it was read, and what to call once it needs its message no more. */
export interface IncomingTask {
  task: DeliveryTask;
  source: { topic: string; partition: number; offset: string };
  /** The task span its headers name, parent of the attempt's spans (tracing on only). */
  trace?: TraceContext;
  finished(): void;
}

/**
 * Decides which delivery tasks are sent and starts them: a task is only a pointer, so each is checked
 * against its row in Postgres (`decideTask`), sent with the row's content, and sent at most once at a
 * time per replica. A task Postgres does not vouch for is refused loudly. Sending goes through the
 * dispatch queue (concurrency per endpoint and overall, priorities, rate limits); `finished` is called
 * once the attempt's outcome is durable.
 */
@Injectable()
export class DeliveryIntake {
  private readonly queue: DispatchQueue;
  /** Deliveries being sent by this replica: a second task for one of them is dropped, not run twice. */
  private readonly sending = new Set<string>();

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointDirectory,
    private readonly runner: DeliveryRunner,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_SETTINGS) settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new DispatchQueue({
      globalLimit: settings.config.DISPATCH_GLOBAL_CONCURRENCY,
      endpointLimit: settings.config.ENDPOINT_CONCURRENCY,
    });
  }

  /** Rejects (having started nothing) when Postgres cannot be read; the caller tries the batch again. */
  async accept(incoming: readonly IncomingTask[]): Promise<void> {
    if (incoming.length === 0) return;
    const [rows, endpoints] = await Promise.all([
      this.deliveries.rows(incoming.map((i) => i.task.deliveryId)),
      this.endpoints.lookup(incoming.map((i) => i.task.subscriptionId)),
    ]);
    for (const { task, source, trace, finished } of incoming) {
      const row = rows.get(task.deliveryId);
      const decision = decideTask(task, row);
      if (decision.kind === 'reject') {
        this.metrics.rejectedTasks.inc({ reason: decision.reason });
        this.logger.warn(
          { ...source, ...task, reason: decision.reason, ownerSubscriptionId: row?.subscriptionId },
          'delivery task refused: Postgres does not vouch for it',
        );
      }
      if (decision.kind !== 'send' || this.sending.has(task.deliveryId)) {
        finished();
        continue;
      }
      const { delivery, state } = decision;
      this.sending.add(task.deliveryId);
      const done = () => {
        this.sending.delete(task.deliveryId);
        finished();
      };
      const endpoint = endpoints.get(delivery.subscriptionId) ?? null;
      this.queue.submit({
        endpointId: delivery.subscriptionId,
        priority: delivery.priority,
        ratePerSecond: endpoint?.ratePerSecond ?? null,
        shed: () => void this.runner.defer(delivery, state, trace).recorded.then(done),
        run: async () => {
          try {
            const { recorded } = await this.runner.run(delivery, state, endpoint, trace);
            // The endpoint's slot is free now; the message waits for the outcome to be durable.
            void recorded.then(done);
          } catch (error) {
            // Parked for the retry scheduler before its message goes: otherwise the row would stay
            // pending with no task left to send it.
            this.logger.error({ err: error, deliveryId: task.deliveryId }, 'delivery failed unexpectedly');
            void this.runner.defer(delivery, state, trace, 'dispatch_failed').recorded.then(done);
          }
        },
      });
    }
    const size = this.queue.size;
    this.metrics.inFlight.set(size.running);
    this.metrics.queued.set(size.queued);
  }

  /**
   * While intake is held back, deliveries stuck behind a slow endpoint hold budget that healthy
   * endpoints on the same partitions need: the long waiters of endpoints that cannot catch up move to
   * Postgres (not sent, budget untouched) and come back through the retry scheduler.
   */
  shedStalled(olderThanMs: number): void {
    const shed = this.queue.shedStalled(olderThanMs);
    if (shed > 0) this.logger.warn({ deferred: shed }, 'deliveries deferred behind slow endpoints');
  }
}
