/**
 * The attributes of the platform's spans: the semantic conventions where they have a name (the stable
 * ones, and the messaging ones, still incubating, for Kafka), and `webhook.*` for what only this platform
 * knows. Written out rather than imported from `@opentelemetry/semantic-conventions`, which only the SDK
 * loads (tracing on).
 */
export const ATTR = {
  eventId: 'webhook.event.id',
  eventType: 'webhook.event.type',
  deliveryId: 'webhook.delivery.id',
  subscriptionId: 'webhook.subscription.id',
  /** The attempt's number within the delivery, 1 for the first. */
  attempt: 'webhook.attempt',
  /** What the dispatcher does next: delivered, retrying, dead_lettered, parked. */
  next: 'webhook.delivery.next',
  /** Why a delivery was not sent (breaker_open, subscription_disabled, endpoint_backlog, ...). */
  notSentReason: 'webhook.delivery.not_sent_reason',
  /** The same event published again: stored once, fanned out once. */
  duplicate: 'webhook.event.duplicate',
  /** Deliveries an event was fanned out to. */
  deliveries: 'webhook.event.deliveries',
  /** A new trace for a delivery sent again on request: `dlq_replay`, `manual_retry` or `recover`. */
  resend: 'webhook.delivery.resend',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  serviceNamespace: 'service.namespace',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingPartition: 'messaging.destination.partition.id',
  messagingOffset: 'messaging.kafka.offset',
} as const;
