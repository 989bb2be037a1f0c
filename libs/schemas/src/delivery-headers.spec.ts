import { generateSecret, sign } from '@smart-dairy/signing';
import { Webhook } from 'standardwebhooks';
import { buildDeliveryHeaders, signedDeliveryHeaders, type SignedDeliveryInput } from './delivery-headers';

const DELIVERY_ID = 'wh_e42b5c040b5cb0499658c0f135404131';
const BODY = Buffer.from('{"id":"wh_e42b5c040b5cb0499658c0f135404131","event":"order.created"}', 'utf8');

describe('buildDeliveryHeaders', () => {
  it('produces the headers of docs/protocol.md#headers', () => {
    expect(
      buildDeliveryHeaders({
        deliveryId: DELIVERY_ID,
        eventType: 'order.created',
        signature: 'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=',
        timestamp: 1706701800,
      }),
    ).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'SmartDairy-Webhook/1.0',
      'X-Webhook-ID': DELIVERY_ID,
      'X-Event-Type': 'order.created',
      'X-Webhook-Signature': 'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=',
      'X-Webhook-Timestamp': '1706701800',
      'X-Webhook-Version': '1.0',
    });
  });
});

describe('signedDeliveryHeaders', () => {
  const timestamp = Math.floor(Date.now() / 1000);
  const delivery = (overrides: Partial<SignedDeliveryInput>): SignedDeliveryInput => ({
    scheme: 'smart-dairy',
    secrets: ['whsec_test_secret'],
    deliveryId: DELIVERY_ID,
    eventType: 'order.created',
    timestamp,
    body: BODY,
    ...overrides,
  });

  it("signs the platform's scheme exactly as before, with the current secret only", () => {
    const headers = signedDeliveryHeaders(delivery({ secrets: ['whsec_test_secret', 'whsec_previous'] }));
    expect(headers).toEqual(
      buildDeliveryHeaders({
        deliveryId: DELIVERY_ID,
        eventType: 'order.created',
        signature: sign('whsec_test_secret', timestamp, BODY),
        timestamp,
      }),
    );
  });

  it('sends Standard Webhooks headers that the standardwebhooks library verifies with either secret', () => {
    const current = generateSecret('standard-webhooks');
    const previous = generateSecret('standard-webhooks');
    const headers = signedDeliveryHeaders(
      delivery({ scheme: 'standard-webhooks', secrets: [current, previous] }),
    );
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'SmartDairy-Webhook/1.0',
      'X-Event-Type': 'order.created',
      'webhook-id': DELIVERY_ID,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/),
    });
    const payload = BODY.toString('utf8');
    expect(new Webhook(current).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(new Webhook(previous).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(generateSecret('standard-webhooks')).verify(payload, headers)).toThrow(
      'No matching signature found',
    );
  });

  it.each(['smart-dairy', 'standard-webhooks'] as const)(
    'adds the custom headers in the %s scheme, and none can touch a signature header',
    (scheme) => {
      const secrets = [generateSecret(scheme)];
      const plain = signedDeliveryHeaders(delivery({ scheme, secrets }));
      const withCustom = signedDeliveryHeaders(
        delivery({
          scheme,
          secrets,
          customHeaders: [
            ['Authorization', 'Bearer partner-token'],
            ['X-Webhook-Signature', 'sha256=forged'],
            ['webhook-signature', 'v1,forged'],
          ],
        }),
      );
      expect(withCustom).toEqual({ ...plain, Authorization: 'Bearer partner-token' });
    },
  );

  it('refuses to sign without a secret', () => {
    expect(() => signedDeliveryHeaders(delivery({ secrets: [] }))).toThrow(RangeError);
  });
});
