import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { WebhookValidator } from '@smart-dairy/webhook-consumer';
import { buildTestDelivery } from '../send/test-delivery';
import { verifyCapturedDelivery } from './verify-delivery';

const secret = 'whsec_verify';
const signedAt = new Date('2026-03-02T07:15:30Z');
const delivery = buildTestDelivery({
  event: 'shipment.delivered',
  data: EVENT_CATALOG['shipment.delivered'].sample,
  secret,
  now: signedAt,
});
const at = (secondsLater: number) => () => new Date(signedAt.getTime() + secondsLater * 1000);

describe('verifyCapturedDelivery', () => {
  it('accepts an untouched delivery', async () => {
    await expect(
      verifyCapturedDelivery({ secret, headers: delivery.headers, body: delivery.body, now: at(10) }),
    ).resolves.toMatchObject({
      valid: true,
      eventType: 'shipment.delivered',
      deliveryId: delivery.envelope.id,
    });
  });

  it.each<[string, Partial<Parameters<typeof verifyCapturedDelivery>[0]>, string]>([
    ['another secret', { secret: 'whsec_other' }, 'signature_mismatch'],
    [
      'a body with a final newline added',
      { body: Buffer.concat([delivery.body, Buffer.from('\n')]) },
      'signature_mismatch',
    ],
    ['a delivery older than the tolerance', { now: at(301) }, 'timestamp_too_old'],
    ['a delivery older than a given tolerance', { now: at(61), toleranceSeconds: 60 }, 'timestamp_too_old'],
    [
      'headers without the signature',
      { headers: { ...delivery.headers, 'X-Webhook-Signature': '' } },
      'missing_headers',
    ],
  ])('rejects %s', async (_case, change, reason) => {
    const captured = { secret, headers: delivery.headers, body: delivery.body, now: at(10), ...change };
    await expect(verifyCapturedDelivery(captured)).resolves.toMatchObject({ valid: false, reason });
  });

  it('checks a Standard Webhooks delivery by its own headers and signature', async () => {
    const standardSecret = 'whsec_c2VjcmV0LW9mLTI0LWJ5dGVzLWxvbmchIQ==';
    const validator = new WebhookValidator({ secret: standardSecret, now: at(0) });
    const headers = validator.generateSignature(delivery.body, undefined, 'standard-webhooks');
    expect(headers).toHaveProperty('webhook-signature');
    const captured = { secret: standardSecret, headers, body: delivery.body, now: at(10) };
    await expect(verifyCapturedDelivery(captured)).resolves.toMatchObject({ valid: true });
    const tampered = { ...captured, body: Buffer.concat([delivery.body, Buffer.from(' ')]) };
    await expect(verifyCapturedDelivery(tampered)).resolves.toMatchObject({ reason: 'signature_mismatch' });
  });

  it('accepts an old delivery when the tolerance covers its age', async () => {
    const captured = {
      secret,
      headers: delivery.headers,
      body: delivery.body,
      now: at(3600),
      toleranceSeconds: 3600,
    };
    await expect(verifyCapturedDelivery(captured)).resolves.toMatchObject({ valid: true });
  });
});
