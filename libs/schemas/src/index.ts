export {
  BUSINESS_EVENT_TYPES,
  EVENT_CATALOG,
  EVENT_CATEGORIES,
  EVENT_PRIORITIES,
  EVENT_TYPES,
  SYSTEM_CATEGORY,
  SYSTEM_EVENT_TYPES,
  categoryOf,
  eventCategoryTopic,
  isEventCategory,
  isEventType,
  isSystemEventType,
  type BusinessEventType,
  type CategoryOf,
  type EventCategory,
  type EventData,
  type EventDataSchema,
  type EventDefinition,
  type EventPriority,
  type EventTopic,
  type EventType,
  type SystemEventType,
} from './event-catalog';
export type { InventoryLowData } from './events/inventory-events';
export type {
  OrderCancelledData,
  OrderCreatedData,
  OrderRefundedData,
  OrderUpdatedData,
} from './events/order-events';
export type { PaymentCompletedData, PaymentFailedData, PaymentRefundedData } from './events/payment-events';
export type { ProductUpdatedData } from './events/product-events';
export type {
  ShipmentCreatedData,
  ShipmentDeliveredData,
  ShipmentUpdatedData,
} from './events/shipment-events';
export type {
  SystemDeadLetteredData,
  SystemEndpointFailingData,
  SystemSubscriptionDisabledData,
} from './events/system-events';
export type { UserRegisteredData, UserUpdatedData } from './events/user-events';
export { MATCH_ALL_FILTER, matchesFilter, validateFilter, type FilterValidation } from './event-filter';
export { eventJsonSchema, type JsonSchemaDocument } from './event-json-schema';
export { isoTimestamp, toUtcTimestamp } from './iso-timestamp';
export { findUnstorableText, refineStorableText } from './storable-text';
export { formatPath, type Problem } from './problem';
export {
  DERIVED_EVENT_ID_PREFIX,
  MAX_EVENT_BYTES,
  MAX_EVENT_ID_LENGTH,
  assignEventId,
  inputMessageSchema,
  parseInputMessage,
  type EventAsWritten,
  type InputMessageOptions,
  type InputMessageResult,
  type TypedEvent,
} from './input-message';
export {
  buildEnvelope,
  deliveryIdFor,
  envelopeBytes,
  parseEnvelope,
  serializeEnvelope,
  type DeliveryEnvelope,
  type EnvelopeInput,
  type EnvelopeSource,
  type EnvelopeResult,
} from './delivery-envelope';
export {
  DELIVERY_CONTENT_TYPE,
  DELIVERY_HEADERS,
  DELIVERY_USER_AGENT,
  WEBHOOK_API_VERSION,
  buildDeliveryHeaders,
  signedDeliveryHeaders,
  type DeliveryHeaderInput,
  type SignedDeliveryInput,
} from './delivery-headers';
export {
  MAX_CUSTOM_HEADERS,
  customHeaderProblems,
  reservedHeaderReason,
  withCustomHeaders,
  type CustomHeader,
} from './custom-headers';
