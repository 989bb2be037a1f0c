export { jsonCodec, type Codec, type Decoded } from './codec';
export { deliveryTaskCodec, deliveryTaskSchema, type DeliveryTask } from './delivery-task';
export { invalidEventCodec, invalidEventSchema, type InvalidEvent } from './invalid-event';
export {
  subscriptionChangeCodec,
  subscriptionChangeSchema,
  type SubscriptionChange,
} from './subscription-change';
