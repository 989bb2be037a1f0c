export {
  EventPublisher,
  eventPublisherProvider,
  type PublishedEvent,
  type PublisherConnection,
  type PublisherOptions,
} from './event-publisher';
export type { EventRecord, EventToPublish, PublishOptions } from './event-record';
export { EventRejectedError } from './event-rejected-error';
export type { EventTransport } from './event-transport';
export { aggregateIdOf } from './partition-key';
export type { RecordAck } from './record-offsets';
