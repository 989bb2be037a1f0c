export { retryBatch, type BatchControl, type BatchRetryOptions } from './batch-retry';
export type { ConsumerStall } from './consumer-watch';
export { KafkaClient, type KafkaSettings } from './kafka-client';
export type { IHeaders, Message as OutgoingMessage } from 'kafkajs';
export { sendAllButOversized } from './send-all-but-oversized';
export { MAX_SEND_BYTES, sizeBatches } from './size-batches';
export {
  CATEGORY_TOPICS,
  INTERNAL_TOPICS,
  topicLayout,
  DELIVERY_TOPICS,
  type CategoryTopic,
  type InternalTopic,
  type PartitionCounts,
  type TopicName,
  type TopicSpec,
} from './topics';
export {
  KafkaBatchContext,
  type BatchInfo,
  type ConsumerOptions,
  type ConsumerTuning,
  type KafkaRecord,
} from './transport/consumer-options';
export type { FlowBudgets } from './transport/flow-control';
export { KafkaTransport } from './transport/kafka-transport';
export { KafkaController } from './transport/kafka-controller';
