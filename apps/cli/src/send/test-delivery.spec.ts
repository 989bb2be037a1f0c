import { EVENT_CATALOG, serializeEnvelope } from '@smart-dairy/schemas';
import { generateSecret, verifySignature } from '@smart-dairy/signing';
import { WebhookValidator } from '@smart-dairy/webhook-consumer';
import { Webhook } from 'standardwebhooks';
import { buildTestDelivery } from './test-delivery';

const secret = 'whsec_test_secret';
const now = new Date('2026-03-02T07:15:30.250Z');
const data = EVENT_CATALOG['order.created'].sample;

describe('buildTestDelivery', () => {
  it('sends the serialised envelope with exactly the documented headers', () => {
    const delivery = buildTestDelivery({
      event: 'order.created',
      data,
      secret,
      deliveryId: 'wh_1234567890abcdef',
      subscriptionId: 'wh_sub_987654321',
      attempt: 2,
      now,
    });
    expect(delivery.envelope).toEqual({
      id: 'wh_1234567890abcdef',
      event: 'order.created',
      timestamp: '2026-03-02T07:15:30.250Z',
      webhook_id: 'wh_sub_987654321',
      attempt: 2,
      data,
    });
    expect(delivery.body).toEqual(serializeEnvelope(delivery.envelope));
    expect(delivery.headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'SmartDairy-Webhook/1.0',
      'X-Webhook-ID': 'wh_1234567890abcdef',
      'X-Event-Type': 'order.created',
      'X-Webhook-Signature': expect.stringMatching(/^sha256=[A-Za-z0-9+/]{43}=$/),
      'X-Webhook-Timestamp': '1772435730',
      'X-Webhook-Version': '1.0',
    });
  });

  it("sends data given as text byte for byte, as the platform sends a producer's data", () => {
    const dataJson = JSON.stringify(data).replace(/}$/, ', "lots": {"10": 1.0, "2": "\\u00e9"}}');
    const { body } = buildTestDelivery({ event: 'order.created', data, dataJson, secret, now });
    expect(body.toString('utf8').endsWith(`,"data":${dataJson}}`)).toBe(true);
  });

  it('signs the body bytes with the secret at the timestamp it sends', () => {
    const { body, headers } = buildTestDelivery({ event: 'order.created', data, secret, now });
    const check = { timestamp: 1772435730, body, signature: headers['X-Webhook-Signature'] };
    expect(verifySignature({ ...check, secrets: [secret] })).toBe(true);
    expect(verifySignature({ ...check, secrets: ['whsec_other'] })).toBe(false);
  });

  it('passes the partner validator', async () => {
    const { body, headers } = buildTestDelivery({
      event: 'user.registered',
      data: EVENT_CATALOG['user.registered'].sample,
      secret,
    });
    await expect(new WebhookValidator({ secret }).validate(headers, body)).resolves.toMatchObject({
      valid: true,
      eventType: 'user.registered',
    });
  });

  it('signs with Standard Webhooks when asked, as the standardwebhooks library verifies', () => {
    const standardSecret = generateSecret('standard-webhooks');
    const { body, headers } = buildTestDelivery({
      event: 'order.created',
      data,
      secret: standardSecret,
      scheme: 'standard-webhooks',
    });
    expect(Object.keys(headers)).toEqual(
      expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']),
    );
    expect(headers).not.toHaveProperty('X-Webhook-Signature');
    const payload = body.toString('utf8');
    expect(new Webhook(standardSecret).verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it('defaults to a fresh delivery id, the test subscription and the first attempt', () => {
    const first = buildTestDelivery({ event: 'order.created', data, secret, now });
    const second = buildTestDelivery({ event: 'order.created', data, secret, now });
    expect(first.envelope).toMatchObject({ webhook_id: 'wh_sub_test', attempt: 1 });
    expect(first.envelope.id).toMatch(/^wh_[0-9a-f]{32}$/);
    expect(second.envelope.id).not.toBe(first.envelope.id);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => buildTestDelivery({ event: 'order.created', data, secret, attempt: 0 })).toThrow(RangeError);
  });
});
