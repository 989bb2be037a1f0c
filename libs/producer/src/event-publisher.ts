import type { KafkaSecurity } from '@smart-dairy/config';
import { KafkaClient } from '@smart-dairy/kafka';
import type { EventData, EventTopic, EventType, Problem } from '@smart-dairy/schemas';
import type { TraceContext } from '@smart-dairy/tracing';
import pino, { type Logger } from 'pino';
import { EventRejectedError } from './event-rejected-error';
import {
  prepareEvent,
  prepareJsonEvent,
  type EventToPublish,
  type PreparedEvent,
  type PublishOptions,
} from './event-record';
import type { EventTransport } from './event-transport';
import type { RecordAck } from './record-offsets';
import { KafkaEventTransport } from './kafka-event-transport';
import { PublishSpans, type ReadyEvent } from './publish-spans';

/** Where Kafka stored a published event. */
export interface PublishedEvent {
  readonly id: string;
  /** The deployed topic name, prefix included. */
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64; a string keeps them exact. */
  readonly offset: string;
}

export interface PublisherOptions {
  /** The clock for default timestamps; for tests. */
  readonly now?: () => Date;
}

export interface PublisherConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The `KAFKA_TOPIC_PREFIX` of the stack published to. */
  readonly topicPrefix?: string;
  /** TLS and SASL credentials of the producer's principal; plaintext when omitted. */
  readonly security?: KafkaSecurity;
  /** Receives kafkajs's warnings and errors; a pino logger at `warn` when omitted. */
  readonly logger?: Logger;
}

/**
 * Publishes business events to their `events.<category>` topics. Every event is checked with the parser
 * ingestion applies, so an event the platform would quarantine is refused here with `EventRejectedError`
 * and never sent.
 */
export class EventPublisher {
  private readonly now: () => Date;
  private readonly topicName = (topic: EventTopic): string => this.transport.topicName(topic);

  /** Publishes through a client the caller connects and disconnects; `close` leaves the client alone. */
  static fromKafka(client: KafkaClient, options?: PublisherOptions): EventPublisher {
    return new EventPublisher(new KafkaEventTransport(client, false), options);
  }

  /** Opens a connection of its own, which `close` ends. Topics must exist (the services create them). */
  static async connect(
    { brokers, clientId, topicPrefix = '', security, logger = pino({ level: 'warn' }) }: PublisherConnection,
    options?: PublisherOptions,
  ): Promise<EventPublisher> {
    const client = new KafkaClient(
      // Partition counts and replication only matter to ensureTopics, which a publisher never calls.
      {
        brokers: [...brokers],
        clientId,
        topicPrefix,
        partitions: UNUSED_PARTITIONS,
        replicationFactor: 1,
        security,
      },
      logger,
    );
    await client.connect();
    return new EventPublisher(new KafkaEventTransport(client, true), options);
  }

  constructor(
    private readonly transport: EventTransport,
    { now = () => new Date() }: PublisherOptions = {},
  ) {
    this.now = now;
  }

  /**
   * Publishes one event; resolves once Kafka acknowledged it. Throws `EventRejectedError`, having sent
   * nothing, when the event would not pass ingestion's validation.
   */
  async publish<T extends EventType>(
    type: T,
    data: EventData<T>,
    options: PublishOptions = {},
  ): Promise<PublishedEvent> {
    // The mapped EventToPublish type does not simplify for a generic T, so the object is asserted to it.
    const event = { ...options, type, data } as EventToPublish;
    return this.sendOne(prepareEvent(event, this.topicName, this.now()), options.trace);
  }

  /**
   * `publish` for data that is JSON text already, such as a slice of a request body: the text is sent as
   * it is, so subscribers receive its exact bytes (key order, escapes, number forms) rather than what
   * parsing and serialising it again would make of it. Throws `EventRejectedError` when the message would
   * not pass ingestion's validation, or when `dataJson` is not the JSON text of exactly one object.
   */
  async publishJson(
    type: EventType,
    dataJson: string,
    options: PublishOptions = {},
  ): Promise<PublishedEvent> {
    return this.sendOne(
      prepareJsonEvent({ ...options, type, dataJson }, this.topicName, this.now()),
      options.trace,
    );
  }

  /**
   * Publishes a batch in one produce request; resolves, in the order given, once Kafka acknowledged all.
   * If any event is invalid none is sent: the `EventRejectedError` lists the problems of every invalid one.
   */
  async publishMany(events: readonly EventToPublish[]): Promise<PublishedEvent[]> {
    const now = this.now();
    const ready: ReadyEvent[] = [];
    const problems: Problem[] = [];
    events.forEach((event, index) => {
      const prepared = prepareEvent(event, this.topicName, now);
      if (prepared.ok) ready.push(event.trace ? { ...prepared, parent: event.trace } : prepared);
      else problems.push(...prepared.problems.map((problem) => inBatch(index, problem)));
    });
    if (problems.length > 0) throw new EventRejectedError(problems);
    return ready.length === 0 ? [] : this.send(ready);
  }

  /** Releases the connections the publisher opened. */
  async close(): Promise<void> {
    await this.transport.close?.();
  }

  private async sendOne(prepared: PreparedEvent, parent: TraceContext | undefined): Promise<PublishedEvent> {
    if (!prepared.ok) throw new EventRejectedError(prepared.problems);
    const [published] = await this.send([parent ? { ...prepared, parent } : prepared]);
    return published;
  }

  private async send(events: readonly ReadyEvent[]): Promise<PublishedEvent[]> {
    const records = events.map((event) => event.record);
    const spans = PublishSpans.start(events);
    let acks: readonly RecordAck[];
    try {
      acks = await this.transport.send(spans ? spans.traced(records) : records);
    } catch (error) {
      spans?.failed(error);
      throw error;
    }
    spans?.sent(acks);
    return events.map(({ id, record }, index) => {
      const { partition, offset } = acks[index];
      return { id, topic: record.topic, partition, offset };
    });
  }
}

const UNUSED_PARTITIONS = { events: 1, deliveries: 1, internal: 1 };

function inBatch(index: number, { path, message }: Problem): Problem {
  const separator = path === '' || path.startsWith('[') ? '' : '.';
  return { path: `[${index}]${separator}${path}`, message };
}

/** For Nest services: an EventPublisher on the service's own KafkaClient. */
export const eventPublisherProvider = {
  provide: EventPublisher,
  inject: [KafkaClient],
  useFactory: (kafka: KafkaClient) => EventPublisher.fromKafka(kafka),
};
