import type { OnModuleDestroy } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { traceContextFrom } from '@smart-dairy/tracing';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { retryBatch } from '../batch-retry';
import type { KafkaClient } from '../kafka-client';
import {
  KafkaBatchContext,
  type ConsumerOptions,
  type ConsumerTuning,
  type KafkaRecord,
} from './consumer-options';
import { coPartitionedAssigners } from './co-partitioned-assigner';
import { FlowControl, type TopicPartition } from './flow-control';

const DEFAULT_CHUNK_SIZE = 500;
const COMMIT_INTERVAL_MS = 500;
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

interface RunningConsumer {
  name: string;
  consumer: Consumer;
  handler: MessageHandler;
  options: ConsumerOptions;
  /** Tracked consumers only. */
  flow?: FlowControl;
  commitTimer?: NodeJS.Timeout;
}

/** A consumer (by name) joined its group and now holds `assigned`: at start and after every rebalance. */
type JoinListener = (consumer: string, assigned: readonly TopicPartition[]) => void;
/**
 * A consumer (by name) learnt that its group is rebalancing and is about to rejoin. The group hands
 * partitions to other members only after this member rejoined, so work stopped here has stopped
 * before any other member can start it.
 */
type RebalanceListener = (consumer: string) => void;

type TransportEvents = { joined: JoinListener; rebalancing: RebalanceListener };

/**
 * A Nest transport that runs every Kafka consumer of a service. Each `@EventPattern(name, options)`
 * handler becomes one consumer named `name` (see ConsumerOptions); the transport owns the group, the
 * topic prefix, the restart after a fatal crash, batch retries while a dependency is away, flow control
 * and commits. Handlers see messages and a KafkaBatchContext, never kafkajs.
 *
 * Shutdown runs in two steps, because Nest destroys providers before it closes transports: when the
 * module is destroyed, intake stops and tracked work is waited for (the handlers' dependencies are still
 * up); `close()` then commits what finished and leaves the groups.
 */
export class KafkaTransport
  extends Server<TransportEvents>
  implements CustomTransportStrategy, OnModuleDestroy
{
  private readonly running: RunningConsumer[] = [];
  private readonly listeners: { [E in keyof TransportEvents]: TransportEvents[E][] } = {
    joined: [],
    rebalancing: [],
  };
  private stopping = false;

  /**
   * `service` names the replica-wide groups (`<service>-<consumer>-<host>-<pid>-<random>`), so each
   * service's groups can be granted on their own prefix.
   */
  constructor(
    private readonly kafka: KafkaClient,
    private readonly log: Logger,
    private readonly service: string,
    private readonly tuning: Readonly<Record<string, ConsumerTuning>> = {},
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [name, handler] of this.messageHandlers) this.running.push(this.prepare(name, handler));
      await Promise.all(this.running.map((consumer) => this.start(consumer)));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** See JoinListener and RebalanceListener. */
  on<E extends keyof TransportEvents>(event: E, callback: TransportEvents[E]): void {
    (this.listeners[event] as TransportEvents[E][]).push(callback);
  }

  unwrap<T>(): T {
    return this.running.map(({ consumer }) => consumer) as T;
  }

  /** True while a tracked consumer holds partitions paused for lack of budget. */
  isHoldingBack(name: string): boolean {
    return this.running.some((c) => c.name === name && c.flow?.hasPaused === true);
  }

  /** Messages a tracked consumer took and has not finished yet (waiting, in progress, or being made durable). */
  unfinished(name: string): number {
    return this.running.reduce((sum, c) => sum + (c.name === name ? (c.flow?.unfinished ?? 0) : 0), 0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.running.map(async (running) => {
        if (!running.flow) return running.consumer.disconnect();
        // Paused, not stopped: a stopped consumer has left its group, and kafkajs drops its commits.
        running.consumer.pause(running.options.topics.map((t) => ({ topic: this.kafka.topic(t) })));
        const deadline = Date.now() + (this.tuning[running.name]?.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
        while (running.flow.unfinished > 0 && Date.now() < deadline) await sleep(50);
      }),
    );
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.running.map(async (running) => {
        clearInterval(running.commitTimer);
        if (!running.flow) return;
        await this.commit(running);
        if (running.flow.unfinished > 0) {
          this.log.warn(
            { consumer: running.name, unfinished: running.flow.unfinished },
            'shutdown deadline passed; unfinished messages will be read again',
          );
        }
        await running.consumer.disconnect();
      }),
    );
  }

  private prepare(name: string, handler: MessageHandler): RunningConsumer {
    const options = handler.extras as ConsumerOptions | undefined;
    if (!handler.isEventHandler || !options?.topics?.length) {
      throw new Error(`Kafka handler ${name} must be an @EventPattern with its topics in the options`);
    }
    if (handler.next) throw new Error(`two Kafka handlers share the consumer name ${name}`);
    const tuning = this.tuning[name] ?? {};
    const consumerConfig = {
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100,
      ...(options.assignment === 'co-partitioned' && { partitionAssigners: coPartitionedAssigners }),
    };
    const consumer =
      options.scope === 'replica'
        ? this.kafka.replicaConsumer(`${this.service}-${name}`, consumerConfig)
        : this.kafka.consumer({ groupId: name, ...consumerConfig });
    if (options.completion !== 'tracked') return { name, consumer, handler, options };
    if (!tuning.budgets) throw new Error(`tracked Kafka consumer ${name} needs budgets in its tuning`);
    return { name, consumer, handler, options, flow: new FlowControl(tuning.budgets) };
  }

  private async start(running: RunningConsumer): Promise<void> {
    const { consumer, options, flow, name } = running;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      flow?.retain(assigned);
      for (const listener of this.listeners.joined) listener(name, assigned);
    });
    // kafkajs emits this synchronously just before it rejoins.
    consumer.on(consumer.events.REBALANCING, () => {
      for (const listener of this.listeners.rebalancing) listener(name);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: options.topics.map((t) => this.kafka.topic(t)),
      fromBeginning: options.scope !== 'replica',
    });
    await consumer.run({
      autoCommit: !flow,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.tuning[name]?.concurrency ?? 1,
      eachBatch: (payload) =>
        flow ? this.takeTracked(running, flow, payload) : this.takeChunks(running, payload),
    });
    if (flow) running.commitTimer = setInterval(() => void this.commit(running), COMMIT_INTERVAL_MS);
  }

  /** Hands the batch over chunk by chunk; a chunk's offsets are resolved once its handler returned. */
  private async takeChunks(running: RunningConsumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat } = payload;
    const chunkSize = this.tuning[running.name]?.chunkSize ?? DEFAULT_CHUNK_SIZE;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      const chunk = batch.messages.slice(start, start + chunkSize);
      const last = chunk.at(-1);
      if (!last) return;
      const done = await this.retry(running, payload, chunk, () => undefined);
      if (!done) return;
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  /**
   * Hands over what fits the budgets without waiting for the work: messages finish out of order, and
   * only offsets below the lowest unfinished one are committed. A partition past its budget is paused
   * (the rest of the batch is fetched again when it resumes) instead of buffered.
   */
  private async takeTracked(
    running: RunningConsumer,
    flow: FlowControl,
    payload: EachBatchPayload,
  ): Promise<void> {
    // A batch fetched before shutdown paused intake: left unresolved, for whoever owns the partition next.
    if (this.stopping) return;
    const { batch, resolveOffset, pause, heartbeat, isRunning, isStale } = payload;
    const at = { topic: batch.topic, partition: batch.partition };
    const admission = flow.admit(
      at,
      batch.messages.map((m) => m.offset),
    );
    if (admission.pause) pause();
    const fresh = new Set(admission.fresh);
    const complete = (offset: string): void => {
      admission.complete(offset);
      this.resumeWithRoom(running, flow);
    };
    const done = await this.retry(
      running,
      payload,
      batch.messages.filter((m) => fresh.has(m.offset)),
      complete,
    );
    if (!done || !isRunning() || isStale()) {
      admission.abandon();
      this.resumeWithRoom(running, flow);
      return;
    }
    for (const offset of admission.taken) resolveOffset(offset);
    await heartbeat();
  }

  /** Calls the handler until it succeeds, or until the batch is no longer this consumer's. */
  private retry(
    running: RunningConsumer,
    { batch, heartbeat, isRunning, isStale }: EachBatchPayload,
    messages: KafkaMessage[],
    complete: (offset: string) => void,
  ): Promise<boolean> {
    const records: KafkaRecord[] = messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      headers: m.headers,
      timestamp: m.timestamp,
      trace: traceContextFrom(m.headers),
    }));
    const context = new KafkaBatchContext([
      { topic: batch.topic, partition: batch.partition, offsetLag: batch.offsetLag(), heartbeat, complete },
    ]);
    return retryBatch(
      { isRunning, isStale, heartbeat },
      async () => {
        const result: unknown = await running.handler(records, context);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      },
      {
        logger: this.log,
        context: {
          consumer: running.name,
          topic: batch.topic,
          partition: batch.partition,
          from: messages[0]?.offset,
          to: messages.at(-1)?.offset,
        },
      },
    );
  }

  private resumeWithRoom(running: RunningConsumer, flow: FlowControl): void {
    if (this.stopping) return;
    const ready = flow.resumable();
    if (ready.length === 0) return;
    running.consumer.resume(ready.map(({ topic, partition }) => ({ topic, partitions: [partition] })));
  }

  private async commit(running: RunningConsumer): Promise<void> {
    const commits = running.flow?.committable() ?? [];
    if (commits.length === 0) return;
    try {
      await running.consumer.commitOffsets(commits);
    } catch (error) {
      running.flow?.commitFailed(commits as TopicPartition[]);
      // Lost partitions or a broker outage: offered again next tick; at worst work is read again.
      this.log.warn({ err: error, consumer: running.name }, 'offset commit failed');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
