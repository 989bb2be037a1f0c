import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signStandardWebhook, standardWebhookKey, verifyStandardWebhook } from './standard-webhooks';

const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('signStandardWebhook', () => {
  // The first vector is the Standard Webhooks specification's own; the second was computed independently
  // with python3: 'v1,' + b64encode(hmac.new(b64decode(secret[6:]), f"{id}.{ts}.".encode() + body, sha256))
  it.each([
    ['the specification example', SPEC_SECRET, SPEC_ID, 1614265330, SPEC_BODY, SPEC_SIGNATURE],
    [
      'a non-ASCII body',
      'whsec_c2VjcmV0LW9mLTI0LWJ5dGVzLWxvbmchIQ==',
      'wh_1234567890abcdef',
      1769855400,
      '{"customer":"Müller Dairy ☕"}',
      'v1,Jo1GFyY33TNop7ITjYWU7Ghs7Hp54rQaPsTlHBjvZZs=',
    ],
  ])('matches the reference vector for %s', (_case, secret, id, timestamp, body, expected) => {
    expect(signStandardWebhook([secret], { id, timestamp, body })).toBe(expected);
    expect(signStandardWebhook([secret], { id, timestamp, body: Buffer.from(body, 'utf8') })).toBe(expected);
  });

  it('signs once per secret, space-separated, in the order given', () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    const content = { id: SPEC_ID, timestamp: 1614265330, body: SPEC_BODY };
    const header = signStandardWebhook([SPEC_SECRET, other], content);
    expect(header.split(' ')).toEqual([SPEC_SIGNATURE, signStandardWebhook([other], content)]);
  });

  it.each([
    ['no secrets', [], 1614265330],
    ['a base64url secret', ['whsec_ab-_'], 1614265330],
    ['an empty secret', ['whsec_'], 1614265330],
    ['a negative timestamp', [SPEC_SECRET], -1],
  ])('refuses %s', (_case, secrets, timestamp) => {
    expect(() => signStandardWebhook(secrets, { id: SPEC_ID, timestamp, body: SPEC_BODY })).toThrow(
      RangeError,
    );
  });
});

describe('standardWebhookKey', () => {
  it.each([
    ['whsec_c2VjcmV0LW9mLTI0LWJ5dGVzLWxvbmchIQ==', 'secret-of-24-bytes-long!!'],
    ['c2VjcmV0LW9mLTI0LWJ5dGVzLWxvbmchIQ==', 'secret-of-24-bytes-long!!'],
  ])('decodes %s', (secret, key) => {
    expect(standardWebhookKey(secret)?.toString('latin1')).toBe(key);
  });

  it.each(['whsec_', 'whsec_abc', 'whsec_a-b_', 'whsec_YWJj ', 'whsec_YQ'])('refuses %p', (secret) => {
    expect(standardWebhookKey(secret)).toBeUndefined();
  });
});

describe('verifyStandardWebhook', () => {
  const check = { secrets: [SPEC_SECRET], id: SPEC_ID, timestamp: 1614265330, body: SPEC_BODY };

  it.each([
    ['the one signature', SPEC_SIGNATURE],
    ['one of several signatures', `v1,bm90IGl0 ${SPEC_SIGNATURE} v2,abc`],
  ])('accepts %s', (_case, signature) => {
    expect(verifyStandardWebhook({ ...check, signature })).toBe(true);
  });

  it.each([
    ['another id', { id: 'msg_other' }],
    ['another timestamp', { timestamp: 1614265331 }],
    ['another body', { body: '{"test": 2432232315}' }],
    ['another secret', { secrets: [`whsec_${randomBytes(24).toString('base64')}`] }],
    ['a malformed secret', { secrets: ['whsec_%%%'] }],
    ['a version other than v1', { signature: SPEC_SIGNATURE.replace('v1,', 'v2,') }],
    ['an empty header', { signature: '' }],
    ['a truncated signature', { signature: SPEC_SIGNATURE.slice(0, -1) }],
    ['an invalid timestamp', { timestamp: Number.NaN }],
  ])('rejects %s without throwing', (_case, override) => {
    expect(verifyStandardWebhook({ ...check, signature: SPEC_SIGNATURE, ...override })).toBe(false);
  });
});

describe('against the standardwebhooks reference library 1.1.1', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const previous = `whsec_${randomBytes(24).toString('base64')}`;
  const body = JSON.stringify({
    id: 'wh_ref',
    event: 'order.created',
    data: { total: 12.5, note: 'Grüße ☕' },
  });

  it('signs exactly as the reference signs', () => {
    const timestamp = now();
    const reference = new Webhook(secret).sign('wh_ref', new Date(timestamp * 1000), body);
    expect(signStandardWebhook([secret], { id: 'wh_ref', timestamp, body })).toBe(reference);
  });

  it('produces headers the reference verifies, with either secret during a rotation', () => {
    const timestamp = now();
    const headers = {
      'webhook-id': 'wh_ref',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook([secret, previous], { id: 'wh_ref', timestamp, body }),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    const stranger = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow('No matching signature found');
  });

  it('verifies what the reference signs', () => {
    const timestamp = now();
    const signature = new Webhook(previous).sign('wh_ref', new Date(timestamp * 1000), body);
    const ok = { secrets: [secret, previous], id: 'wh_ref', timestamp, body, signature };
    expect(verifyStandardWebhook(ok)).toBe(true);
    expect(verifyStandardWebhook({ ...ok, secrets: [secret] })).toBe(false);
  });
});
