import { Inject, Injectable } from '@nestjs/common';
import { DeliveryStatus } from '@smart-dairy/db';
import type { DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository, type DeliveryRow } from '../deliveries/deliveries.repository';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { DispatchQueue } from '../endpoints/dispatch-queue';
import { EndpointDirectory } from '../endpoints/endpoint-directory';
import { DeliveryRunner, type DeliveryState } from './delivery-runner';

/** A delivery task read from Kafka, and what to call once it needs its message no more. */
export interface IncomingTask {
  task: DeliveryTask;
  finished(): void;
}

/**
 * Decides which delivery tasks are sent and starts them: a task is only a pointer, so each is checked
 * against its row in Postgres (still waiting, or an explicit replay) and sent at most once at a time per
 * replica. Sending goes through the dispatch queue (concurrency per endpoint and overall, priorities,
 * rate limits); `finished` is called once the attempt's outcome is durable.
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
    for (const { task, finished } of incoming) {
      const row = rows.get(task.deliveryId);
      const state = row && stateToSend(task, row);
      if (!state || this.sending.has(task.deliveryId)) {
        finished();
        continue;
      }
      this.sending.add(task.deliveryId);
      const done = () => {
        this.sending.delete(task.deliveryId);
        finished();
      };
      const endpoint = endpoints.get(task.subscriptionId) ?? null;
      this.queue.submit({
        endpointId: task.subscriptionId,
        priority: task.priority,
        ratePerSecond: endpoint?.ratePerSecond ?? null,
        shed: () => void this.runner.defer(task, state).recorded.then(done),
        run: async () => {
          try {
            const { recorded } = await this.runner.run(task, state, endpoint);
            // The endpoint's slot is free now; the message waits for the outcome to be durable.
            void recorded.then(done);
          } catch (error) {
            // Parked for the retry scheduler before its message goes: otherwise the row would stay
            // pending with no task left to send it.
            this.logger.error({ err: error, deliveryId: task.deliveryId }, 'delivery failed unexpectedly');
            void this.runner.defer(task, state, 'dispatch_failed').recorded.then(done);
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

/** A task is sent if its delivery still waits, or if it is an explicit replay. */
function stateToSend(task: DeliveryTask, row: DeliveryRow): DeliveryState | undefined {
  if (task.replay) return { attemptCount: row.attemptCount, budgetBase: row.attemptCount };
  if (row.status === DeliveryStatus.pending || row.status === DeliveryStatus.retrying) {
    return { attemptCount: row.attemptCount, budgetBase: row.retryBudgetBase };
  }
  return undefined;
}
