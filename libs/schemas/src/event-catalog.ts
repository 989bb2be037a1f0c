import type { z } from 'zod';
import { inventoryLowSample, inventoryLowSchema } from './events/inventory-events';
import {
  orderCancelledSample,
  orderCancelledSchema,
  orderCreatedSample,
  orderCreatedSchema,
  orderRefundedSample,
  orderRefundedSchema,
  orderUpdatedSample,
  orderUpdatedSchema,
} from './events/order-events';
import {
  paymentCompletedSample,
  paymentCompletedSchema,
  paymentFailedSample,
  paymentFailedSchema,
  paymentRefundedSample,
  paymentRefundedSchema,
} from './events/payment-events';
import { productUpdatedSample, productUpdatedSchema } from './events/product-events';
import {
  shipmentCreatedSample,
  shipmentCreatedSchema,
  shipmentDeliveredSample,
  shipmentDeliveredSchema,
  shipmentUpdatedSample,
  shipmentUpdatedSchema,
} from './events/shipment-events';
import {
  systemDeadLetteredSample,
  systemDeadLetteredSchema,
  systemEndpointFailingSample,
  systemEndpointFailingSchema,
  systemSubscriptionDisabledSample,
  systemSubscriptionDisabledSchema,
} from './events/system-events';
import {
  userRegisteredSample,
  userRegisteredSchema,
  userUpdatedSample,
  userUpdatedSchema,
} from './events/user-events';

export const EVENT_PRIORITIES = ['high', 'medium', 'low'] as const;
export type EventPriority = (typeof EVENT_PRIORITIES)[number];

interface CatalogRow {
  readonly version: string;
  readonly priority: EventPriority;
  readonly description: string;
  readonly schema: z.ZodType<Record<string, unknown>>;
  readonly sample: Record<string, unknown>;
}

/**
 * The single table of event types. The category is the part of the type before the dot, so a new category
 * (e.g. `system.*`) appears everywhere — categories, topics, filters — by adding its rows here.
 */
const CATALOG_TABLE = {
  'order.created': {
    version: '1.0',
    priority: 'high',
    description: 'New order placed',
    schema: orderCreatedSchema,
    sample: orderCreatedSample,
  },
  'order.updated': {
    version: '1.0',
    priority: 'medium',
    description: 'Order modified',
    schema: orderUpdatedSchema,
    sample: orderUpdatedSample,
  },
  'order.cancelled': {
    version: '1.0',
    priority: 'high',
    description: 'Order cancelled',
    schema: orderCancelledSchema,
    sample: orderCancelledSample,
  },
  'order.refunded': {
    version: '1.0',
    priority: 'medium',
    description: 'Order refunded',
    schema: orderRefundedSchema,
    sample: orderRefundedSample,
  },
  'payment.completed': {
    version: '1.0',
    priority: 'high',
    description: 'Payment successful',
    schema: paymentCompletedSchema,
    sample: paymentCompletedSample,
  },
  'payment.failed': {
    version: '1.0',
    priority: 'high',
    description: 'Payment declined',
    schema: paymentFailedSchema,
    sample: paymentFailedSample,
  },
  'payment.refunded': {
    version: '1.0',
    priority: 'medium',
    description: 'Refund processed',
    schema: paymentRefundedSchema,
    sample: paymentRefundedSample,
  },
  'shipment.created': {
    version: '1.0',
    priority: 'medium',
    description: 'Shipment initiated',
    schema: shipmentCreatedSchema,
    sample: shipmentCreatedSample,
  },
  'shipment.updated': {
    version: '1.0',
    priority: 'low',
    description: 'Tracking updated',
    schema: shipmentUpdatedSchema,
    sample: shipmentUpdatedSample,
  },
  'shipment.delivered': {
    version: '1.0',
    priority: 'high',
    description: 'Delivery confirmed',
    schema: shipmentDeliveredSchema,
    sample: shipmentDeliveredSample,
  },
  'user.registered': {
    version: '1.0',
    priority: 'medium',
    description: 'New user account',
    schema: userRegisteredSchema,
    sample: userRegisteredSample,
  },
  'user.updated': {
    version: '1.0',
    priority: 'low',
    description: 'Profile updated',
    schema: userUpdatedSchema,
    sample: userUpdatedSample,
  },
  'inventory.low': {
    version: '1.0',
    priority: 'high',
    description: 'Stock below threshold',
    schema: inventoryLowSchema,
    sample: inventoryLowSample,
  },
  'product.updated': {
    version: '1.0',
    priority: 'low',
    description: 'Product info changed',
    schema: productUpdatedSchema,
    sample: productUpdatedSample,
  },
  'system.dead_lettered': {
    version: '1.0',
    priority: 'high',
    description: 'Delivery moved to the dead letter queue',
    schema: systemDeadLetteredSchema,
    sample: systemDeadLetteredSample,
  },
  'system.subscription_disabled': {
    version: '1.0',
    priority: 'high',
    description: 'Subscription disabled by the platform',
    schema: systemSubscriptionDisabledSchema,
    sample: systemSubscriptionDisabledSample,
  },
  'system.endpoint_failing': {
    version: '1.0',
    priority: 'high',
    description: 'Endpoint failed a threshold number of attempts in a row',
    schema: systemEndpointFailingSchema,
    sample: systemEndpointFailingSample,
  },
} satisfies Record<`${string}.${string}`, CatalogRow>;

type Table = typeof CATALOG_TABLE;

export type EventType = keyof Table;
export type CategoryOf<T extends string> = T extends `${infer Category}.${string}` ? Category : never;
export type EventCategory = CategoryOf<EventType>;
export type EventTopic = `events.${EventCategory}`;
export type EventDataSchema<T extends EventType> = Table[T]['schema'];
export type EventData<T extends EventType> = z.output<EventDataSchema<T>>;

export interface EventDefinition<T extends EventType = EventType> {
  readonly type: T;
  readonly category: CategoryOf<T>;
  readonly version: string;
  readonly priority: EventPriority;
  readonly description: string;
  readonly schema: EventDataSchema<T>;
  readonly sample: EventData<T>;
}

export const EVENT_TYPES = Object.keys(CATALOG_TABLE) as readonly EventType[];

/** The platform's operational events; only filters that name them (`system.*`, exact types) select them. */
export const SYSTEM_CATEGORY = 'system';
export type SystemEventType = Extract<EventType, `${typeof SYSTEM_CATEGORY}.${string}`>;
export type BusinessEventType = Exclude<EventType, SystemEventType>;

export function isSystemEventType(type: string): boolean {
  return type.startsWith(`${SYSTEM_CATEGORY}.`);
}

export const SYSTEM_EVENT_TYPES = EVENT_TYPES.filter(isSystemEventType) as readonly SystemEventType[];
export const BUSINESS_EVENT_TYPES = EVENT_TYPES.filter(
  (type) => !isSystemEventType(type),
) as readonly BusinessEventType[];

export const EVENT_CATALOG = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, { type, category: categoryOf(type), ...CATALOG_TABLE[type] }]),
) as { readonly [T in EventType]: EventDefinition<T> };

export const EVENT_CATEGORIES: readonly EventCategory[] = [...new Set(EVENT_TYPES.map(categoryOf))];

export function categoryOf<T extends EventType>(type: T): CategoryOf<T> {
  return type.slice(0, type.indexOf('.')) as CategoryOf<T>;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(CATALOG_TABLE, value);
}

export function isEventCategory(value: unknown): value is EventCategory {
  return typeof value === 'string' && (EVENT_CATEGORIES as readonly string[]).includes(value);
}

/** The Kafka topic producers publish a category's events to. */
export function eventCategoryTopic<C extends EventCategory>(category: C): `events.${C}` {
  return `events.${category}`;
}
