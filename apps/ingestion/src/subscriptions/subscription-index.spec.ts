import { compileFilter, type EventPredicate, type FilterableEvent } from '@smart-dairy/payload-filter';
import { SubscriptionIndex, type IndexedSubscription } from './subscription-index';

const subscription = (
  id: string,
  events: string[],
  more: Partial<IndexedSubscription> = {},
): IndexedSubscription => ({
  id,
  events,
  filter: null,
  ...more,
});

const event = (type: string, data: Record<string, unknown> = {}): FilterableEvent => ({ event: type, data });

function predicate(source: unknown): EventPredicate {
  const compiled = compileFilter(source);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.filter.matches;
}

describe('SubscriptionIndex', () => {
  const index = new SubscriptionIndex();
  beforeEach(() =>
    index.replaceAll([
      subscription('exact', ['order.created']),
      subscription('category', ['order.*']),
      subscription('all', ['*']),
      subscription('payments', ['payment.completed', 'payment.failed']),
    ]),
  );

  it.each([
    ['order.created', ['exact', 'category', 'all']],
    ['order.cancelled', ['category', 'all']],
    ['payment.failed', ['all', 'payments']],
    ['product.updated', ['all']],
  ])('matches %s to exactly %j', (eventType, expected) => {
    expect([...index.match(event(eventType))].sort()).toEqual([...expected].sort());
  });

  it('sees an added subscription and forgets a removed one, despite the match cache', () => {
    expect(index.match(event('user.updated'))).toEqual(['all']);
    index.upsert(subscription('users', ['user.*']));
    expect([...index.match(event('user.updated'))].sort()).toEqual(['all', 'users']);
    index.remove('all');
    expect(index.match(event('user.updated'))).toEqual(['users']);
  });

  it('matches a changed selector at once', () => {
    index.upsert(subscription('exact', ['order.cancelled']));
    expect([...index.match(event('order.created'))].sort()).toEqual(['all', 'category']);
    expect([...index.match(event('order.cancelled'))].sort()).toEqual(['all', 'category', 'exact']);
  });

  it('runs a payload filter on each event of the types its subscription selects', () => {
    index.upsert(subscription('large', ['order.*'], { filter: predicate({ 'data.total': { $gte: 100 } }) }));
    const matched = (type: string, total: number) => [...index.match(event(type, { total }))].sort();
    expect(matched('order.created', 250)).toEqual(['all', 'category', 'exact', 'large']);
    expect(matched('order.created', 99)).toEqual(['all', 'category', 'exact']);
    expect(matched('order.refunded', 100)).toEqual(['all', 'category', 'large']);
    expect(matched('payment.completed', 500)).toEqual(['all', 'payments']);
  });

  it('applies a changed filter and a removed one, despite the match cache', () => {
    const large = predicate({ 'data.total': { $gte: 100 } });
    index.upsert(subscription('exact', ['order.created'], { filter: large }));
    expect(index.match(event('order.created', { total: 50 }))).not.toContain('exact');
    index.upsert(
      subscription('exact', ['order.created'], { filter: predicate({ 'data.total': { $lt: 100 } }) }),
    );
    expect(index.match(event('order.created', { total: 50 }))).toContain('exact');
    expect(index.match(event('order.created', { total: 150 }))).not.toContain('exact');
    index.upsert(subscription('exact', ['order.created']));
    expect(index.match(event('order.created', { total: 150 }))).toContain('exact');
  });

  it('never runs the filter of a subscription selecting other types', () => {
    const calls: string[] = [];
    const spy =
      (id: string): EventPredicate =>
      () => {
        calls.push(id);
        return true;
      };
    index.upsert(subscription('payments', ['payment.*'], { filter: spy('payments') }));
    index.match(event('order.created'));
    expect(calls).toEqual([]);
  });
});
