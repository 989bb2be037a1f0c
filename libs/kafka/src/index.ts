export { retryBatch, type BatchControl, type BatchRetryOptions } from './batch-retry';
export type { ConsumerStall } from './consumer-watch';
export { KafkaClient, type KafkaSettings } from './kafka-client';
export { MAX_SEND_BYTES, sizeBatches } from './size-batches';
export {
  CATEGORY_TOPICS,
  INTERNAL_TOPICS,
  topicLayout,
  type CategoryTopic,
  type InternalTopic,
  type PartitionCounts,
  type TopicName,
  type TopicSpec,
} from './topics';
