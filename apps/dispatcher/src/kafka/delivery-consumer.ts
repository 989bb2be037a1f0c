import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeliveryStatus, PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS, KafkaClient, retryBatch } from '@smart-dairy/kafka';
import { deliveryTaskCodec, type DeliveryTask } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveryRunner, type DeliveryState } from '../delivery/delivery-runner';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { DispatchQueue } from '../endpoints/dispatch-queue';
import { EndpointDirectory, type Endpoint } from '../endpoints/endpoint-directory';
import { AttemptRecorder } from '../recording/attempt-recorder';
import { PartitionOffsets } from './partition-offsets';

const COMMIT_INTERVAL_MS = 500;
const SHED_CHECK_INTERVAL_MS = 1_000;

/** What dispatching a batch needs from Postgres, by delivery id and by subscription id. */
interface Known {
  states: Map<string, { status: DeliveryStatus; attemptCount: number; retryBudgetBase: number }>;
  endpoints: Map<string, Endpoint | null>;
}

const DELIVERY_TOPICS = [
  INTERNAL_TOPICS.deliveriesHigh,
  INTERNAL_TOPICS.deliveriesMedium,
  INTERNAL_TOPICS.deliveriesLow,
];

/**
 * Takes delivery tasks in batches and hands them to the dispatch queue without waiting for
 * them: deliveries of one partition complete out of order, and only offsets below which every
 * delivery is recorded get committed. Unfinished deliveries are bounded per partition and per
 * process: past either budget the partition is paused instead of buffered, so memory stays
 * bounded under any backlog.
 */
@Injectable()
export class DeliveryConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: Consumer | undefined;
  private readonly partitions = new Map<string, PartitionOffsets>();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Offsets tracked and not yet completed, over every partition (including ones since revoked). */
  private unfinished = 0;
  private readonly queue: DispatchQueue;
  private commitTimer: NodeJS.Timeout | undefined;
  private shedTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly prisma: PrismaService,
    private readonly endpoints: EndpointDirectory,
    private readonly runner: DeliveryRunner,
    private readonly recorder: AttemptRecorder,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new DispatchQueue({
      globalLimit: settings.config.DISPATCH_GLOBAL_CONCURRENCY,
      endpointLimit: settings.config.ENDPOINT_CONCURRENCY,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.endpoints.start();
    const consumer = this.kafka.consumer({ groupId: 'dispatcher', maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Partitions handed to another replica: forget their offsets (that replica starts from the last commit).
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}:${p}`)),
      );
      for (const key of this.partitions.keys()) if (!assigned.has(key)) this.partitions.delete(key);
      for (const key of this.paused) if (!assigned.has(key)) this.paused.delete(key);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: DELIVERY_TOPICS.map((t) => this.kafka.topic(t)),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.config.KAFKA_DELIVERY_PARTITIONS * DELIVERY_TOPICS.length,
      eachBatch: (payload) => this.take(payload),
    });
    this.commitTimer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
    this.shedTimer = setInterval(() => this.shedBacklog(), SHED_CHECK_INTERVAL_MS);
  }

  /** Stops intake, lets in-flight deliveries finish and be recorded, then commits what they freed. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.commitTimer);
    clearInterval(this.shedTimer);
    this.stopping = true;
    // Paused, not stopped: a stopped consumer has left its group, and kafkajs drops its commits.
    this.consumer?.pause(DELIVERY_TOPICS.map((t) => ({ topic: this.kafka.topic(t) })));
    const deadline = Date.now() + this.settings.config.SHUTDOWN_TIMEOUT_MS;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.recorder.drain();
    await this.commit();
    if (this.inFlight.size > 0) {
      this.logger.warn(
        { unfinished: this.inFlight.size },
        'shutdown deadline passed; unfinished deliveries will be redelivered',
      );
    }
    await this.consumer?.disconnect();
  }

  private async take({
    batch,
    resolveOffset,
    heartbeat,
    pause,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    // A batch fetched before the pause: left unresolved, for whoever owns the partition next.
    if (this.stopping) return;
    const key = `${batch.topic}:${batch.partition}`;
    const offsets = this.partitions.get(key) ?? new PartitionOffsets();
    this.partitions.set(key, offsets);
    const { PARTITION_MAX_IN_FLIGHT, PROCESS_MAX_IN_FLIGHT } = this.settings.config;

    const room = Math.max(
      0,
      Math.min(PARTITION_MAX_IN_FLIGHT - offsets.inFlight, PROCESS_MAX_IN_FLIGHT - this.unfinished),
    );
    const taken = batch.messages.slice(0, room);
    if (taken.length < batch.messages.length) {
      // Not resolved, so these are fetched again once the partition resumes.
      this.paused.add(key);
      pause();
    }
    // A consumer restart or rebalance that leaves this partition here fetches again from the last commit:
    // messages still in flight from before are neither reserved nor tracked twice, so the first copy alone
    // completes them (completing the second would free the offset while its delivery is still running).
    const messages = taken.filter((m) => !offsets.isPending(m.offset));
    const decoded = messages.map((m) => ({ offset: m.offset, task: deliveryTaskCodec.decode(m.value) }));
    const tasks = decoded.flatMap(({ offset, task }) => (task.ok ? [{ offset, task: task.value }] : []));
    // Reserved before the read, since other partitions' batches are taken concurrently.
    this.unfinished += messages.length;
    // Read before anything is tracked or resolved, and read again until Postgres answers: nothing of the
    // batch is taken before its deliveries could be looked up. If the partition goes elsewhere meanwhile,
    // the batch is left unresolved for its next owner.
    let known: Known = { states: new Map(), endpoints: new Map() };
    const looked = await retryBatch(
      { isRunning, isStale, heartbeat },
      async () => {
        known = await this.lookup(tasks);
      },
      {
        logger: this.logger,
        context: { topic: batch.topic, partition: batch.partition, from: batch.firstOffset() },
      },
    );
    if (!looked || !isRunning() || isStale()) {
      this.release(messages.length);
      return;
    }
    for (const { offset } of taken) resolveOffset(offset);
    for (const { offset, task } of decoded) {
      offsets.track(offset);
      if (task.ok) continue;
      this.logger.error(
        { topic: batch.topic, partition: batch.partition, offset, error: task.error },
        'unreadable delivery task skipped',
      );
      this.complete(offsets, offset);
    }
    this.dispatch(offsets, tasks, known);
    this.metrics.lag.set({ topic: batch.topic, partition: batch.partition }, Number(batch.offsetLag()));
    await heartbeat();
  }

  private async lookup(tasks: { task: DeliveryTask }[]): Promise<Known> {
    if (tasks.length === 0) return { states: new Map(), endpoints: new Map() };
    const [rows, endpoints] = await Promise.all([
      this.prisma.$queryRaw<
        { id: string; status: DeliveryStatus; attemptCount: number; retryBudgetBase: number }[]
      >`
        SELECT "id", "status", "attempt_count" AS "attemptCount", "retry_budget_base" AS "retryBudgetBase"
        FROM "deliveries" WHERE "id" = ANY(${tasks.map((t) => t.task.deliveryId)}::text[])`,
      this.endpoints.lookup(tasks.map((t) => t.task.subscriptionId)),
    ]);
    return { states: new Map(rows.map((r) => [r.id, r])), endpoints };
  }

  private dispatch(
    offsets: PartitionOffsets,
    tasks: { offset: string; task: DeliveryTask }[],
    { states, endpoints }: Known,
  ): void {
    for (const { offset, task } of tasks) {
      const row = states.get(task.deliveryId);
      const state = row && this.acceptable(task, row);
      if (!state || this.inFlight.has(task.deliveryId)) {
        this.complete(offsets, offset);
        continue;
      }
      this.inFlight.add(task.deliveryId);
      const done = () => {
        this.inFlight.delete(task.deliveryId);
        this.complete(offsets, offset);
        this.resumeWithRoom();
      };
      this.queue.submit({
        endpointId: task.subscriptionId,
        priority: task.priority,
        ratePerSecond: endpoints.get(task.subscriptionId)?.ratePerSecond ?? null,
        shed: () => void this.runner.defer(task, state).recorded.then(done),
        run: async () => {
          try {
            const { recorded } = await this.runner.run(
              task,
              state,
              endpoints.get(task.subscriptionId) ?? null,
            );
            // The endpoint's slot is free now; the offset waits for the outcome to be durable.
            void recorded.then(done);
          } catch (error) {
            // Its offset goes once the delivery waits in Postgres for the retry scheduler: completing the
            // offset alone would leave the row pending with no task left to send it.
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

  /** A task is sent if its delivery still waits, or if it is an explicit replay. */
  private acceptable(
    task: DeliveryTask,
    row: { status: DeliveryStatus; attemptCount: number; retryBudgetBase: number },
  ): DeliveryState | undefined {
    if (task.replay) return { attemptCount: row.attemptCount, budgetBase: row.attemptCount };
    if (row.status === DeliveryStatus.pending || row.status === DeliveryStatus.retrying) {
      return { attemptCount: row.attemptCount, budgetBase: row.retryBudgetBase };
    }
    return undefined;
  }

  /**
   * While intake is paused, deliveries stuck behind a slow endpoint hold budget that healthy
   * endpoints on the same partitions need: the long waiters of endpoints that cannot catch up move
   * to Postgres (not sent, budget untouched) and come back through the retry scheduler.
   */
  private shedBacklog(): void {
    if (this.paused.size === 0) return;
    const shed = this.queue.shedStalled(this.settings.config.BACKLOG_SHED_AFTER_MS);
    if (shed > 0) this.logger.warn({ deferred: shed }, 'deliveries deferred behind slow endpoints');
  }

  /** Gives back a reservation that was not taken; nothing else may be left to resume the paused. */
  private release(reserved: number): void {
    this.unfinished -= reserved;
    this.resumeWithRoom();
  }

  private complete(offsets: PartitionOffsets, offset: string): void {
    if (offsets.complete(offset)) this.unfinished -= 1;
  }

  /** Resumes paused partitions once the process and each partition are back under half their budget. */
  private resumeWithRoom(): void {
    const { PARTITION_MAX_IN_FLIGHT, PROCESS_MAX_IN_FLIGHT } = this.settings.config;
    if (this.stopping || this.paused.size === 0 || this.unfinished > PROCESS_MAX_IN_FLIGHT / 2) return;
    const resumable = [...this.paused].filter(
      (key) => (this.partitions.get(key)?.inFlight ?? 0) <= PARTITION_MAX_IN_FLIGHT / 2,
    );
    if (resumable.length === 0) return;
    for (const key of resumable) this.paused.delete(key);
    this.consumer?.resume(
      resumable.map((key) => {
        const separator = key.lastIndexOf(':');
        return { topic: key.slice(0, separator), partitions: [Number(key.slice(separator + 1))] };
      }),
    );
  }

  private async commit(): Promise<void> {
    const topicPartitions = [];
    const taken: PartitionOffsets[] = [];
    for (const [key, offsets] of this.partitions) {
      const offset = offsets.takeCommittable();
      if (offset === undefined) continue;
      taken.push(offsets);
      const separator = key.lastIndexOf(':');
      topicPartitions.push({
        topic: key.slice(0, separator),
        partition: Number(key.slice(separator + 1)),
        offset,
      });
    }
    if (topicPartitions.length === 0 || !this.consumer) return;
    try {
      await this.consumer.commitOffsets(topicPartitions);
    } catch (error) {
      for (const offsets of taken) offsets.commitFailed();
      // Lost partitions or a broker outage: retried next tick; at worst work is redelivered.
      this.logger.warn({ err: error }, 'offset commit failed');
    }
  }
}
