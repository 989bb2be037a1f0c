import type { EventTopic } from '@smart-dairy/schemas';
import type { EventRecord } from './event-record';
import type { RecordAck } from './record-offsets';

/** How the publisher reaches Kafka; `KafkaEventTransport` in production, a fake in unit tests. */
export interface EventTransport {
  /** The deployed name of a category topic, i.e. with the stack's topic prefix. */
  topicName(topic: EventTopic): string;
  /** Resolves once Kafka acknowledged every record, with one ack per record in the order given. */
  send(records: readonly EventRecord[]): Promise<readonly RecordAck[]>;
  close?(): Promise<void>;
}
