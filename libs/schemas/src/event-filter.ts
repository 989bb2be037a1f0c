import {
  EVENT_TYPES,
  isEventCategory,
  isEventType,
  isSystemEventType,
  type EventType,
} from './event-catalog';

export const MATCH_ALL_FILTER = '*';
const CATEGORY_WILDCARD = '.*';

export type FilterValidation =
  | { readonly ok: true; readonly matches: readonly EventType[] }
  | { readonly ok: false; readonly message: string };

/**
 * Whether a subscription filter selects an event type. Filters are an exact type, `<category>.*` or `*`;
 * any other pattern matches nothing (see `validateFilter`). `*` means every business event: system events
 * describe other subscriptions' deliveries, so a partner's catch-all must not receive them.
 */
export function matchesFilter(filter: string, eventType: string): boolean {
  if (filter === MATCH_ALL_FILTER) return !isSystemEventType(eventType);
  if (filter.endsWith(CATEGORY_WILDCARD)) {
    const category = filter.slice(0, -CATEGORY_WILDCARD.length);
    return isEventCategory(category) && eventType.startsWith(`${category}.`);
  }
  return isEventType(filter) && filter === eventType;
}

/** Accepts a filter only if it has a supported form and selects at least one catalog type. */
export function validateFilter(filter: string): FilterValidation {
  const matches = EVENT_TYPES.filter((type) => matchesFilter(filter, type));
  if (matches.length > 0) return { ok: true, matches };
  return {
    ok: false,
    message: `${JSON.stringify(filter)} matches no event type; use an event type such as order.created, a category wildcard such as order.*, or *`,
  };
}
