import type { EventPredicate, FilterableEvent } from '@smart-dairy/payload-filter';
import { matchesFilter } from '@smart-dairy/schemas';

export interface IndexedSubscription {
  id: string;
  events: string[];
  /** Its payload filter, compiled; null when it has none. */
  filter: EventPredicate | null;
}

/** The subscriptions selecting an event type, split by whether a filter still has to pass each event. */
interface TypeMatches {
  readonly unfiltered: readonly string[];
  readonly filtered: readonly { readonly id: string; readonly filter: EventPredicate }[];
}

/**
 * The in-memory view ingestion matches against: no Postgres query per message. Matches by event type
 * are cached per type and the cache is dropped on any change; payload filters then run per event.
 */
export class SubscriptionIndex {
  private readonly subscriptions = new Map<string, IndexedSubscription>();
  private readonly matches = new Map<string, TypeMatches>();

  get size(): number {
    return this.subscriptions.size;
  }

  replaceAll(subscriptions: readonly IndexedSubscription[]): void {
    this.subscriptions.clear();
    for (const s of subscriptions) this.subscriptions.set(s.id, s);
    this.matches.clear();
  }

  upsert(subscription: IndexedSubscription): void {
    this.subscriptions.set(subscription.id, subscription);
    this.matches.clear();
  }

  remove(id: string): void {
    if (this.subscriptions.delete(id)) this.matches.clear();
  }

  /**
   * Ids of the subscriptions with a selector of the event's type and a filter it passes, if any, disabled
   * ones included: their deliveries wait until they are enabled (EventStore.storeDeliveries decides from
   * Postgres).
   */
  match(event: FilterableEvent): readonly string[] {
    const { unfiltered, filtered } = this.matchesOf(event.event);
    if (filtered.length === 0) return unfiltered;
    const ids = [...unfiltered];
    for (const { id, filter } of filtered) if (filter(event)) ids.push(id);
    return ids;
  }

  private matchesOf(eventType: string): TypeMatches {
    let found = this.matches.get(eventType);
    if (!found) {
      const selecting = [...this.subscriptions.values()].filter((s) =>
        s.events.some((selector) => matchesFilter(selector, eventType)),
      );
      found = {
        unfiltered: selecting.filter((s) => s.filter === null).map((s) => s.id),
        filtered: selecting.flatMap(({ id, filter }) => (filter === null ? [] : [{ id, filter }])),
      };
      this.matches.set(eventType, found);
    }
    return found;
  }
}
