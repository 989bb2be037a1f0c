import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { TraceContext } from '@smart-dairy/tracing';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { DispatchQueue, type QueuedJob } from '../endpoints/dispatch-queue';
import { EndpointDirectory } from '../endpoints/endpoint-directory';
import { KeyOrdering } from '../ordering/key-ordering';
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

export interface TaskPartition {
  topic: string;
  partition: number;
}

interface IntakeJob extends QueuedJob {
  /** The task's partition, as `partitionKey` writes it. */
  partition: string;
  /** Gives the task up unsent: its partition's next owner reads it again. */
  release(): void;
}

/**
 * Decides which delivery tasks are sent and starts them: a task is only a pointer, so each is checked
 * against its row in Postgres (`decideTask`), sent with the row's content, and sent at most once at a
 * time per replica. A task Postgres does not vouch for is refused loudly. Sending goes through the
 * dispatch queue (concurrency per endpoint and overall, priorities, rate limits); `finished` is called
 * once the attempt's outcome is durable.
 *
 * A subscription's tasks all come from one partition number, which one replica holds (co-partitioned
 * assignment), so its limits hold across replicas. During a rebalance nothing new starts, and what
 * waits for a partition this replica lost is given up: the next owner reads it again and is the only
 * one sending for that subscription.
 */
@Injectable()
export class DeliveryIntake {
  private readonly queue: DispatchQueue<IntakeJob>;
  /** Deliveries being sent by this replica: a second task for one of them waits, never runs alongside. */
  private readonly sending = new Set<string>();
  /**
   * Tasks that came for a delivery while it was still being sent here, such as the retry the scheduler
   * published as soon as the failed attempt reached Postgres: decided again once that attempt is recorded.
   */
  private readonly behind = new Map<string, IncomingTask[]>();
  /** The partitions this replica holds (`partitionKey`); null until its first assignment. */
  private owned: Set<string> | null = null;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointDirectory,
    private readonly runner: DeliveryRunner,
    private readonly metrics: DispatcherMetrics,
    private readonly ordering: KeyOrdering,
    @Inject(DISPATCHER_SETTINGS) settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new DispatchQueue<IntakeJob>({
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
    const held = await this.ordering.holdBack(rows);
    for (const item of incoming) {
      const { task, source, trace, finished } = item;
      const partition = partitionKey(source);
      // Read before a rebalance took the partition away: its next owner has it.
      if (this.owned && !this.owned.has(partition)) {
        finished();
        continue;
      }
      const row = rows.get(task.deliveryId);
      const decision = decideTask(task, row);
      if (decision.kind === 'reject') {
        this.metrics.rejectedTasks.inc({ reason: decision.reason });
        this.logger.warn(
          { ...source, ...task, reason: decision.reason, ownerSubscriptionId: row?.subscriptionId },
          'delivery task refused: Postgres does not vouch for it',
        );
      }
      if (decision.kind !== 'send' || held.has(task.deliveryId)) {
        finished();
        continue;
      }
      if (this.sending.has(task.deliveryId)) {
        const waiting = this.behind.get(task.deliveryId);
        if (waiting) waiting.push(item);
        else this.behind.set(task.deliveryId, [item]);
        continue;
      }
      const { delivery, state } = decision;
      this.sending.add(task.deliveryId);
      const done = () => {
        this.sending.delete(task.deliveryId);
        finished();
        this.decideAgain(task.deliveryId);
      };
      const endpoint = endpoints.get(delivery.subscriptionId) ?? null;
      this.queue.submit({
        partition,
        release: done,
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

  private decideAgain(deliveryId: string): void {
    const waiting = this.behind.get(deliveryId);
    if (!waiting) return;
    this.behind.delete(deliveryId);
    this.accept(waiting).catch((error: unknown) => {
      // Postgres is away: the retry scheduler's claim runs out and publishes the delivery again.
      this.logger.warn(
        { err: error, deliveryId },
        'task for a delivery just recorded left to the retry scheduler',
      );
      for (const task of waiting) task.finished();
    });
  }

  /** The group is rebalancing: start nothing until the new assignment says what is still this replica's. */
  pauseForRebalance(): void {
    this.queue.pause();
  }

  /** After joining the group: gives up what waits for partitions that are no longer here, and goes on. */
  keepOnly(assigned: readonly TaskPartition[]): void {
    const owned = new Set(assigned.map(partitionKey));
    this.owned = owned;
    const lost = this.queue.takeBack((job) => !owned.has(job.partition));
    for (const job of lost) job.release();
    if (lost.length > 0) {
      this.logger.info(
        { released: lost.length },
        'waiting deliveries left to the new owners of their partitions',
      );
    }
    this.queue.resume();
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

function partitionKey({ topic, partition }: TaskPartition): string {
  return `${topic}:${partition}`;
}
