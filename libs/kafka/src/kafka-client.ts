import type { KafkaSecurity } from '@smart-dairy/config';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type ConsumerConfig } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ConsumerWatch, type ConsumerStall } from './consumer-watch';
import { connectionSecurity } from './connection-security';
import { kafkaLogCreator } from './kafka-log';
import { RecoveringProducer } from './recovering-producer';
import { stopIdleRequestQueueTimers } from './request-queue-idle-timer';
import { restartOnFatalCrash } from './restart-on-fatal-crash';
import { topicLayout, type PartitionCounts, type TopicName } from './topics';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  partitions: PartitionCounts;
  replicationFactor: number;
  /** How long a watched consumer may hold input without committing before it counts as stalled. */
  consumerStallTimeoutMs?: number;
  /** How long one send may take, kafkajs's own retries included, before it fails. */
  sendTimeoutMs?: number;
  /** TLS and SASL; a plaintext connection when absent. */
  security?: KafkaSecurity;
}

const DEFAULT_STALL_TIMEOUT_MS = 120_000;
const DEFAULT_SEND_TIMEOUT_MS = 30_000;

const READY_TIMEOUT_MS = 3_000;

/**
 * kafkajs asks for up to 10 MiB per fetch (1 MiB per partition) by default; every service reads
 * messages of a few KiB, so those responses only sat in memory as external buffers waiting their turn.
 * Its 30 s session means a replica that died holds its partitions that long before the group hands
 * them on; every handler here heartbeats well within 10 s.
 */
const CONSUMER_DEFAULTS = {
  maxBytes: 2 * 1024 * 1024,
  maxBytesPerPartition: 256 * 1024,
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
} as const;

/**
 * The one place the platform talks to kafkajs: connections, topic names, the topic layout
 * and the readiness probe. Services build their consumers from here so a later switch of
 * client library stays inside this package.
 */
export class KafkaClient {
  readonly kafka: Kafka;
  readonly producer: RecoveringProducer;
  private readonly admin: Admin;
  private readonly watches = new Set<ConsumerWatch>();
  private connected = false;

  constructor(
    readonly settings: KafkaSettings,
    private readonly logger: Logger,
  ) {
    stopIdleRequestQueueTimers();
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      ...connectionSecurity(settings.security),
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(logger),
      retry: { initialRetryTime: 300, retries: 10 },
    });
    this.admin = this.kafka.admin();
    this.producer = new RecoveringProducer(
      () =>
        this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      logger,
      settings.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    );
  }

  topic(name: TopicName): string {
    return this.settings.topicPrefix + name;
  }

  groupId(name: string): string {
    return this.settings.topicPrefix + name;
  }

  /**
   * A consumer in the group `config.groupId` (prefixed), restarted after fatal crashes and, unless
   * `watch` is false, watched for stalls (see `stalls()`).
   */
  consumer(config: ConsumerConfig, { watch = true } = {}): Consumer {
    const groupId = this.groupId(config.groupId);
    const consumer = restartOnFatalCrash(
      this.kafka.consumer({ ...CONSUMER_DEFAULTS, ...config, groupId }),
      this.logger,
    );
    if (!watch) return consumer;
    const progress = new ConsumerWatch(
      groupId,
      consumer,
      this.admin,
      this.settings.consumerStallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      this.logger,
    );
    this.watches.add(progress);
    progress.start();
    const disconnect = consumer.disconnect.bind(consumer);
    consumer.disconnect = () => {
      progress.stop();
      this.watches.delete(progress);
      return disconnect();
    };
    return consumer;
  }

  /**
   * A consumer in a group of its own, for topics every replica must read in full (announcements). Not
   * watched: it starts from the end of its topics and commits only when something arrives there.
   */
  replicaConsumer(name: string, config: Omit<ConsumerConfig, 'groupId'> = {}): Consumer {
    return this.consumer(
      { ...config, groupId: `${name}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}` },
      { watch: false },
    );
  }

  /** The watched consumers that hold input without making progress (liveness). */
  stalls(): ConsumerStall[] {
    return [...this.watches].flatMap((w) => (w.stall ? [w.stall] : []));
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** Creates whatever topics of the layout are missing; safe to run from every service at once. */
  async ensureTopics(): Promise<string[]> {
    const wanted = topicLayout(this.settings.topicPrefix, this.settings.partitions);
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: this.settings.replicationFactor,
      })),
    });
    const created = missing.map((spec) => spec.name);
    this.logger.info({ topics: created }, 'created missing Kafka topics');
    return created;
  }

  /** Readiness: a metadata round trip to the cluster within a short deadline. */
  async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Kafka did not answer in time')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.admin.describeCluster(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
