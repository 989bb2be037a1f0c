export {
  FAST_RETENTION,
  ago,
  awaitSweeps,
  newDeliveryId,
  verdictsAfterSweeps,
  storeDelivery,
  storeEvent,
  type AgedDelivery,
  type RetentionCase,
  type StoredEventKey,
} from './retention-fixtures';
export { unboundedWalk } from './unbounded-walk';
export { createApiKeyRow, createSubscriptionRow, type SubscriptionFixture } from './factories';
export { TEST_PARTITIONS, connectTestKafka, limitMessageBytes, serviceEnv, uniquePrefix } from './test-kafka';
export { SUITE_DATABASE_PREFIX, connectTestPrisma } from './test-prisma';
export { startTestService } from './test-service';
export { TEST_SECRET_ENCRYPTION_KEYS } from './test-keys';
export { TopicReader } from './topic-reader';
export { TestReceiver, type Behaviour, type ReceivedDelivery } from './test-receiver';
export { enqueueDeliveries, type EnqueueOptions, type EnqueuedDelivery } from './enqueue-deliveries';
export { sampleValue, samplesOf, scrapeExposition, scrapeMetrics, type MetricSample } from './metric-samples';
export { runProcess, type ProcessRun, type RunOptions } from './run-process';
export { TcpFaultProxy } from './tcp-fault-proxy';
export { describeOpenApiDocument, registeredRoutes, type DocumentedApi } from './openapi-document';
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { startInMemoryTracing } from './in-memory-tracing';
