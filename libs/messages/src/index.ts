export { jsonCodec, type Codec, type Decoded } from './codec';
export { deliveryTaskCodec, deliveryTaskSchema, type DeliveryTask } from './delivery-task';
export {
  QUARANTINE_REASONS,
  invalidEventCodec,
  invalidEventSchema,
  type InvalidEvent,
  type QuarantineReason,
} from './invalid-event';
export {
  subscriptionChangeCodec,
  subscriptionChangeSchema,
  type SubscriptionChange,
} from './subscription-change';
export {
  attemptRecordSchema,
  attemptsMade,
  deadLetterCodec,
  deadLetterSchema,
  type AttemptRecord,
  type DeadLetter,
} from './dead-letter';
export {
  DEAD_LETTER_MAX_BYTES,
  DEAD_LETTER_RESPONSE_BODY_BYTES,
  boundDeadLetter,
  type DeadLetterBounds,
} from './bounded-dead-letter';
export { deliveryOutcomeCodec, deliveryOutcomeSchema, type DeliveryOutcome } from './delivery-outcome';
export { DELIVERY_TOPICS, publishDeliveryTasks, type TracedTask } from './publish-delivery-tasks';
export { startDeliveryTaskSpan, type TaskOrigin } from './delivery-task-span';
