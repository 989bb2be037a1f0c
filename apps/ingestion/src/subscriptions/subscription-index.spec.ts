import { SubscriptionIndex } from './subscription-index';

describe('SubscriptionIndex', () => {
  const index = new SubscriptionIndex();
  beforeEach(() =>
    index.replaceAll([
      { id: 'exact', events: ['order.created'] },
      { id: 'category', events: ['order.*'] },
      { id: 'all', events: ['*'] },
      { id: 'payments', events: ['payment.completed', 'payment.failed'] },
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
    index.upsert({ id: 'users', events: ['user.*'] });
    expect([...index.match('user.updated')].sort()).toEqual(['all', 'users']);
    index.remove('all');
    expect(index.match('user.updated')).toEqual(['users']);
  });

  it('matches a changed filter at once', () => {
    index.upsert({ id: 'exact', events: ['order.cancelled'] });
    expect([...index.match('order.created')].sort()).toEqual(['all', 'category']);
    expect([...index.match('order.cancelled')].sort()).toEqual(['all', 'category', 'exact']);
  });
});
