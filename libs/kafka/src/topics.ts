/**
 * Every topic the platform uses, by its base name. The deployed name is the base name with
 * the stack's KAFKA_TOPIC_PREFIX in front, so parallel stacks can share a broker.
 */
export const CATEGORY_TOPICS = {
  order: 'events.order',
  payment: 'events.payment',
  shipment: 'events.shipment',
  user: 'events.user',
  inventory: 'events.inventory',
  product: 'events.product',
  system: 'events.system',
} as const;

export const INTERNAL_TOPICS = {
  invalid: 'events.invalid',
  deliveriesHigh: 'deliveries.high',
  deliveriesMedium: 'deliveries.medium',
  deliveriesLow: 'deliveries.low',
  deadLetter: 'deliveries.dead-letter',
  outcomes: 'deliveries.outcomes',
  subscriptionChanges: 'subscriptions.changes',
} as const;

export type CategoryTopic = (typeof CATEGORY_TOPICS)[keyof typeof CATEGORY_TOPICS];
export type InternalTopic = (typeof INTERNAL_TOPICS)[keyof typeof INTERNAL_TOPICS];
export type TopicName = CategoryTopic | InternalTopic;

export interface PartitionCounts {
  events: number;
  deliveries: number;
  internal: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** The delivery task topics, highest priority first. */
export const DELIVERY_TOPICS: readonly InternalTopic[] = [
  INTERNAL_TOPICS.deliveriesHigh,
  INTERNAL_TOPICS.deliveriesMedium,
  INTERNAL_TOPICS.deliveriesLow,
];

/** The full layout the services expect, with partition counts from configuration. */
export function topicLayout(prefix: string, partitions: PartitionCounts): TopicSpec[] {
  const categories = Object.values(CATEGORY_TOPICS).map((name) => ({ name, partitions: partitions.events }));
  const internal = Object.values(INTERNAL_TOPICS).map((name) => ({
    name,
    partitions: DELIVERY_TOPICS.includes(name) ? partitions.deliveries : partitions.internal,
  }));
  return [...categories, ...internal].map((spec) => ({ ...spec, name: prefix + spec.name }));
}
