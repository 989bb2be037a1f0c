import { Priority } from '@smart-dairy/db';
import { deliveryTaskSchema } from '@smart-dairy/messages';
import { replayTaskOf } from './replay-tasks';

const row = {
  id: `dlq_${'a'.repeat(32)}`,
  deliveryId: `wh_${'a'.repeat(32)}`,
  subscriptionId: 'wh_sub_partner',
  eventId: 'evt_1',
  eventType: 'payment.completed',
  priority: Priority.medium,
  payload: {
    id: 'evt_1',
    event: 'payment.completed',
    timestamp: '2026-03-02T06:00:00Z',
    data: { payment_id: 'PAY-1' },
  },
};

describe('replayTaskOf', () => {
  it('rebuilds the delivery’s own task, marked as a replay', () => {
    const task = replayTaskOf(row);
    expect(deliveryTaskSchema.parse(task)).toEqual({
      deliveryId: row.deliveryId,
      eventId: 'evt_1',
      eventType: 'payment.completed',
      subscriptionId: 'wh_sub_partner',
      priority: 'medium',
      occurredAt: '2026-03-02T06:00:00Z',
      data: { payment_id: 'PAY-1' },
      replay: true,
    });
  });

  it('refuses a stored payload it did not write', () => {
    expect(() => replayTaskOf({ ...row, payload: { data: 'x' } })).toThrow();
  });
});
