import { CATEGORY_TOPICS, INTERNAL_TOPICS, topicLayout } from './topics';

describe('topicLayout', () => {
  const layout = topicLayout('t1.', { events: 6, deliveries: 12, internal: 3 });

  it('has one topic per event category, named events.<category>', () => {
    for (const category of ['order', 'payment', 'shipment', 'user', 'inventory', 'product']) {
      expect(layout).toContainEqual({ name: `t1.events.${category}`, partitions: 6 });
    }
  });

  it('gives the delivery topics the delivery partition count and the rest the internal one', () => {
    expect(layout).toContainEqual({ name: 't1.deliveries.high', partitions: 12 });
    expect(layout).toContainEqual({ name: 't1.deliveries.low', partitions: 12 });
    expect(layout).toContainEqual({ name: 't1.events.invalid', partitions: 3 });
    expect(layout).toContainEqual({ name: 't1.subscriptions.changes', partitions: 3 });
  });

  it('lists every declared topic exactly once', () => {
    const names = layout.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(Object.keys(CATEGORY_TOPICS).length + Object.keys(INTERNAL_TOPICS).length);
  });
});
