import { categoryOf, type EventCategory, type EventData, type EventType } from '@smart-dairy/schemas';

type EventOfCategory<C extends EventCategory> = Extract<EventType, `${C}.${string}`>;

/** Fields a data schema declares, without the index signature of its loose object. */
type DeclaredField<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };

/**
 * The field holding the id of the aggregate an event is about, per category. Events with the same key land
 * on the same partition, so consumers see one order's (one payment's, ...) events in the order they were
 * published. The type only admits a field every event type of the category declares, and a new category
 * does not compile until someone decides its key (`undefined`: the event id, i.e. no ordering).
 */
const AGGREGATE_ID_FIELD: {
  readonly [C in EventCategory]: DeclaredField<EventData<EventOfCategory<C>>> | undefined;
} = {
  order: 'order_id',
  payment: 'payment_id',
  shipment: 'shipment_id',
  user: 'user_id',
  // Stock levels are tracked per product; a product's alerts stay in order across warehouses.
  inventory: 'product_id',
  product: 'product_id',
  // Operational events about one subscription stay in order for its operators.
  system: 'subscription_id',
};

/** The aggregate id of a validated event, or undefined when its category has none. */
export function aggregateIdOf(type: EventType, data: Readonly<Record<string, unknown>>): string | undefined {
  const field = AGGREGATE_ID_FIELD[categoryOf(type)];
  const value = field === undefined ? undefined : data[field];
  return typeof value === 'string' ? value : undefined;
}
