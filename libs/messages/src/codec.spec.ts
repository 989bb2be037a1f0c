import { deliveryTaskCodec } from './delivery-task';
import { subscriptionChangeCodec } from './subscription-change';

describe('internal message codecs', () => {
  const task = {
    deliveryId: `wh_${'a'.repeat(32)}`,
    eventId: 'evt_1',
    eventType: 'order.created',
    subscriptionId: 'wh_sub_1',
    priority: 'high' as const,
    occurredAt: '2026-01-31T10:30:00Z',
    data: { order_id: 'ORD-1' },
  };

  it('round-trips a delivery task', () => {
    expect(deliveryTaskCodec.decode(deliveryTaskCodec.encode(task))).toEqual({ ok: true, value: task });
  });

  it.each([
    ['null', null, 'empty message'],
    ['not JSON', Buffer.from('{'), 'not JSON'],
    ['a bad delivery id', Buffer.from(JSON.stringify({ ...task, deliveryId: 'x' })), 'deliveryId'],
    ['a bad priority', Buffer.from(JSON.stringify({ ...task, priority: 'urgent' })), 'priority'],
  ])('reports %s instead of throwing', (_name, bytes, expected) => {
    const result = deliveryTaskCodec.decode(bytes);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(expected);
  });

  it('accepts only the known subscription changes', () => {
    const at = new Date().toISOString();
    const ok = subscriptionChangeCodec.encode({ subscriptionId: 's', change: 'created', at });
    expect(subscriptionChangeCodec.decode(ok).ok).toBe(true);
    const bad = Buffer.from(JSON.stringify({ subscriptionId: 's', change: 'renamed', at }));
    expect(subscriptionChangeCodec.decode(bad).ok).toBe(false);
  });
});
