import { buildDeliveryHeaders } from './delivery-headers';

describe('buildDeliveryHeaders', () => {
  it('produces the headers of docs/protocol.md#headers', () => {
    expect(
      buildDeliveryHeaders({
        deliveryId: 'wh_e42b5c040b5cb0499658c0f135404131',
        eventType: 'order.created',
        signature: 'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=',
        timestamp: 1706701800,
      }),
    ).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'SmartDairy-Webhook/1.0',
      'X-Webhook-ID': 'wh_e42b5c040b5cb0499658c0f135404131',
      'X-Event-Type': 'order.created',
      'X-Webhook-Signature': 'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=',
      'X-Webhook-Timestamp': '1706701800',
      'X-Webhook-Version': '1.0',
    });
  });
});
