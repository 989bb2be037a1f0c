import { Priority } from '@smart-dairy/db';
import { deliveryTaskCodec } from '@smart-dairy/messages';
import { replayTaskOf } from './replay-task';

const row = {
  id: `dlq_${'a'.repeat(32)}`,
  deliveryId: `wh_${'a'.repeat(32)}`,
  subscriptionId: 'wh_sub_partner',
  priority: Priority.medium,
};

describe('replayTaskOf', () => {
  it('names the delivery on its priority, marked as a replay, and carries nothing else', () => {
    const wire = JSON.parse(deliveryTaskCodec.encode(replayTaskOf(row)).toString('utf8'));
    expect(wire).toEqual({
      deliveryId: row.deliveryId,
      subscriptionId: 'wh_sub_partner',
      priority: 'medium',
      replay: true,
    });
  });
});
