import { BaseRpcContext } from '@nestjs/microservices';
import type { TraceContext } from '@smart-dairy/tracing';
import type { IHeaders } from 'kafkajs';
import type { TopicName } from '../topics';
import type { FlowBudgets } from './flow-control';

/**
 * What a consumer reads, given as the extras of its `@EventPattern(name, options)`; the pattern is the
 * consumer's group name (prefixed with KAFKA_TOPIC_PREFIX like the topics).
 */
export interface ConsumerOptions {
  topics: readonly TopicName[];
  /**
   * `group` (the default): the replicas share the group, each message is handled once, from the
   * beginning of the topics on a group's first start. `replica`: every replica reads every message
   * published after it started (announcements such as `subscriptions.changes`).
   */
  scope?: 'group' | 'replica';
  /**
   * `chunks` (the default): the handler gets up to `chunkSize` (see ConsumerTuning) messages and they count as done when it
   * returns. `tracked`: the handler gets the batch, starts work that finishes later and calls
   * `context.complete(offset)` for each message when it is done; the transport pauses partitions past
   * the consumer's budgets and commits below the lowest unfinished offset.
   */
  completion?: 'chunks' | 'tracked';
  /**
   * `round-robin` (the default) spreads every topic's partitions over the members on its own.
   * `co-partitioned`: partition N of every topic goes to the same member, so messages keyed alike on
   * several topics (a subscription's tasks of every priority) are all read by one replica.
   */
  assignment?: 'round-robin' | 'co-partitioned';
  maxWaitTimeInMs?: number;
}

/** Settings a consumer takes from the service's configuration, by consumer name. */
export interface ConsumerTuning {
  /** Partitions handled at once (kafkajs's partitionsConsumedConcurrently); 1 by default. */
  concurrency?: number;
  /** Messages handed to a `chunks` handler at once; 500 by default. */
  chunkSize?: number;
  /** Required for `tracked` consumers. */
  budgets?: FlowBudgets;
  /** How long shutdown waits for tracked work before committing what finished. */
  drainTimeoutMs?: number;
}

/** A message as read from a topic. `topic` is the deployed (prefixed) name. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  timestamp: string;
  /** The trace its `traceparent`/`tracestate` headers continue; only while tracing is on. */
  trace?: TraceContext;
}

export interface BatchInfo {
  topic: string;
  partition: number;
  /** Messages of the partition not yet fetched, as of this batch. */
  offsetLag: string;
  heartbeat(): Promise<void>;
  /** Tracked consumers: the message at this offset is finished (its outcome is durable). */
  complete(offset: string): void;
}

/** The context (`@Ctx()`) of a Kafka handler. */
export class KafkaBatchContext extends BaseRpcContext<[BatchInfo]> {
  private get info(): BatchInfo {
    return this.args[0];
  }

  get topic(): string {
    return this.info.topic;
  }

  get partition(): number {
    return this.info.partition;
  }

  get offsetLag(): number {
    return Number(this.info.offsetLag);
  }

  heartbeat(): Promise<void> {
    return this.info.heartbeat();
  }

  complete(offset: string): void {
    this.info.complete(offset);
  }
}
