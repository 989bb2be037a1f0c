import { sign } from '@smart-dairy/signing';
import { WebhookValidator } from '@smart-dairy/webhook-consumer';
import { deliveryIdFor, envelopeBytes } from './delivery-envelope';
import { buildDeliveryHeaders } from './delivery-headers';
import { EVENT_CATALOG, EVENT_TYPES } from './event-catalog';

// What the platform sends must be what the partner library accepts; this is the one place both meet.
describe('a delivery built by the platform', () => {
  const secret = 'whsec_contract';
  const sentAt = 1772435700;
  const validator = new WebhookValidator({ secret, now: () => new Date(sentAt * 1000) });

  it.each(EVENT_TYPES)('of %s passes the partner validator', async (type) => {
    const deliveryId = deliveryIdFor({ type, id: `evt_${type}` }, 'sub_1');
    const body = envelopeBytes({
      deliveryId,
      event: type,
      timestamp: '2026-03-02T07:15:00Z',
      subscriptionId: 'sub_1',
      attempt: 1,
      dataJson: JSON.stringify(EVENT_CATALOG[type].sample),
    });
    const headers = buildDeliveryHeaders({
      deliveryId,
      eventType: type,
      signature: sign(secret, sentAt, body),
      timestamp: sentAt,
    });
    expect(await validator.validate(headers, body)).toEqual({
      valid: true,
      deliveryId,
      eventType: type,
      timestamp: sentAt,
      envelope: {
        id: deliveryId,
        event: type,
        timestamp: '2026-03-02T07:15:00Z',
        webhook_id: 'sub_1',
        attempt: 1,
        data: EVENT_CATALOG[type].sample,
      },
    });
  });
});
