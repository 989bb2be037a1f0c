import { matchesFilter } from '@smart-dairy/schemas';

export interface IndexedSubscription {
  id: string;
  events: string[];
}

/**
 * The in-memory view ingestion matches against: no Postgres query per message. Matches are
 * cached per event type and the cache is dropped on any change.
 */
export class SubscriptionIndex {
  private readonly subscriptions = new Map<string, IndexedSubscription>();
  private readonly matches = new Map<string, string[]>();

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
   * Ids of the subscriptions with at least one filter matching the event type, disabled ones included:
   * their deliveries wait until they are enabled (EventStore.storeDeliveries decides from Postgres).
   */
  match(eventType: string): readonly string[] {
    let ids = this.matches.get(eventType);
    if (!ids) {
      ids = [...this.subscriptions.values()]
        .filter((s) => s.events.some((filter) => matchesFilter(filter, eventType)))
        .map((s) => s.id);
      this.matches.set(eventType, ids);
    }
    return ids;
  }
}
