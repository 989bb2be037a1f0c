import { deliveryTaskCodec } from './delivery-task';
import { subscriptionChangeCodec } from './subscription-change';

describe('internal message codecs', () => {
  const task = {
    deliveryId: `wh_${'a'.repeat(32)}`,
    subscriptionId: 'wh_sub_1',
    priority: 'high' as const,
  };
  /** What tasks carried before they were thin: content the dispatcher no longer reads. */
  const content = {
    eventId: 'evt_1',
    eventType: 'order.created',
    occurredAt: '2026-01-31T10:30:00Z',
    data: { order_id: 'ORD-1' },
  };

  it.each([
    ['a delivery task', task],
    ['a replay task', { ...task, replay: true }],
  ])('round-trips %s', (_name, value) => {
    expect(deliveryTaskCodec.decode(deliveryTaskCodec.encode(value))).toEqual({ ok: true, value });
  });

  it('writes no content onto the topic, even when handed an object that has some', () => {
    const encoded = JSON.parse(deliveryTaskCodec.encode({ ...task, ...content }).toString('utf8'));
    expect(encoded).toEqual(task);
  });

  it('reads a task written with content by an older version, dropping the content', () => {
    const old = Buffer.from(JSON.stringify({ ...task, ...content, replay: true }));
    expect(deliveryTaskCodec.decode(old)).toEqual({ ok: true, value: { ...task, replay: true } });
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
