import { compileFilter, type FilterableEvent, type FilterMismatch } from '@smart-dairy/payload-filter';
import { formatPath, matchesFilter } from '@smart-dairy/schemas';
import type { FilterTestView } from './subscription.schemas';

/** What of a subscription decides whether an event reaches it. */
export interface EventSelection {
  readonly events: readonly string[];
  /** As stored: null for no filter. */
  readonly filter: unknown;
}

/**
 * Whether ingestion would make a delivery of this event for the subscription, with the same checks it makes
 * (the event types, then the filter), and every part that would keep the event out.
 */
export function filterTest({ events, filter }: EventSelection, event: FilterableEvent): FilterTestView {
  const eventsMatch = events.some((selector) => matchesFilter(selector, event.event));
  const mismatches = filter === null ? [] : filterMismatches(filter, event);
  const failed = [
    ...(eventsMatch
      ? []
      : [{ clause: 'events', message: `${JSON.stringify(events)} select no ${event.event} event` }]),
    ...mismatches.map(({ at, message }) => ({ clause: formatPath(['filter', ...at]), message })),
  ];
  return {
    matches: failed.length === 0,
    events_match: eventsMatch,
    filter_matches: mismatches.length === 0,
    failed,
  };
}

function filterMismatches(filter: unknown, event: FilterableEvent): readonly FilterMismatch[] {
  const compiled = compileFilter(filter);
  if (compiled.ok) return compiled.filter.explain(event);
  // Ingestion delivers nothing for a stored filter it cannot compile; only a write that bypassed the API makes one.
  return compiled.problems.map(({ at, message }) => ({
    at,
    message: `the stored filter is invalid: ${message}`,
  }));
}
