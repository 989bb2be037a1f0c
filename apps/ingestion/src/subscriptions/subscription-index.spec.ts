import { SubscriptionIndex } from './subscription-index';

describe('SubscriptionIndex', () => {
  const index = new SubscriptionIndex();
  beforeEach(() =>
    index.replaceAll([
      { id: 'exact', events: ['order.created'], active: true },
      { id: 'category', events: ['order.*'], active: true },
      { id: 'all', events: ['*'], active: true },
      { id: 'payments', events: ['payment.completed', 'payment.failed'], active: true },
      { id: 'inactive', events: ['*'], active: false },
    ]),
  );

  it.each([
    ['order.created', ['exact', 'category', 'all']],
    ['order.cancelled', ['category', 'all']],
    ['payment.failed', ['all', 'payments']],
    ['product.updated', ['all']],
  ])('matches %s to exactly %j', (eventType, expected) => {
    expect([...index.match(eventType)].sort()).toEqual([...expected].sort());
  });

  it('sees an added subscription and forgets a removed one, despite the match cache', () => {
    expect(index.match('user.updated')).toEqual(['all']);
    index.upsert({ id: 'users', events: ['user.*'], active: true });
    expect([...index.match('user.updated')].sort()).toEqual(['all', 'users']);
    index.remove('all');
    expect(index.match('user.updated')).toEqual(['users']);
  });

  it('stops matching a subscription once it is disabled', () => {
    index.upsert({ id: 'exact', events: ['order.created'], active: false });
    expect([...index.match('order.created')].sort()).toEqual(['all', 'category']);
  });
});
