import { sign, signStandardWebhook } from '@smart-dairy/signing';
import type { SeenIdStore } from './seen-id-store';
import type { ValidationFailureReason } from './validation-result';
import { WebhookValidator, type WebhookValidatorOptions } from './webhook-validator';

const NOW = 1772435700;
const secret = 'whsec_partner_secret';
const envelope = {
  id: 'wh_5d41402abc4b2a76b9719d911017c592',
  event: 'order.created',
  timestamp: '2026-03-02T07:15:00Z',
  webhook_id: 'sub_2b7c41d9',
  attempt: 1,
  data: { order_id: 'ORD-2026-004821', total: 13.28 },
};
const body = JSON.stringify(envelope);

const validatorWith = (options: Partial<WebhookValidatorOptions> = {}) =>
  new WebhookValidator({ secret, now: () => new Date(NOW * 1000), ...options } as WebhookValidatorOptions);

/** The headers the platform would send for `payload` signed at `timestamp`. */
const headersFor = (payload: string | Buffer = body, timestamp = NOW, signingSecret = secret) => ({
  'content-type': 'application/json',
  'x-webhook-id': envelope.id,
  'x-event-type': envelope.event,
  'x-webhook-timestamp': String(timestamp),
  'x-webhook-signature': sign(signingSecret, timestamp, payload),
});

const without = (headers: Record<string, string>, ...names: string[]) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));

describe('WebhookValidator.validate', () => {
  it('accepts a delivery signed with the secret', async () => {
    await expect(validatorWith().validate(headersFor(), body)).resolves.toEqual({
      valid: true,
      deliveryId: envelope.id,
      eventType: 'order.created',
      timestamp: NOW,
      envelope,
    });
  });

  const flipped = Buffer.from(body);
  flipped[body.indexOf('13.28')] = '2'.charCodeAt(0);

  it.each<[string, Record<string, string | string[]>, string | Buffer, ValidationFailureReason, RegExp]>([
    [
      'no signature',
      without(headersFor(), 'x-webhook-signature'),
      body,
      'missing_headers',
      /X-Webhook-Signature/,
    ],
    [
      'no timestamp',
      without(headersFor(), 'x-webhook-timestamp'),
      body,
      'missing_headers',
      /X-Webhook-Timestamp/,
    ],
    ['no delivery id', without(headersFor(), 'x-webhook-id'), body, 'missing_headers', /X-Webhook-ID/],
    [
      'an empty signature',
      { ...headersFor(), 'x-webhook-signature': '' },
      body,
      'missing_headers',
      /Signature/,
    ],
    [
      'a timestamp in words',
      { ...headersFor(), 'x-webhook-timestamp': 'now' },
      body,
      'invalid_timestamp',
      /"now"/,
    ],
    [
      'a negative timestamp',
      { ...headersFor(), 'x-webhook-timestamp': '-1' },
      body,
      'invalid_timestamp',
      /-1/,
    ],
    [
      'a fractional timestamp',
      { ...headersFor(), 'x-webhook-timestamp': `${NOW}.5` },
      body,
      'invalid_timestamp',
      /\.5/,
    ],
    [
      'a timestamp in milliseconds',
      { ...headersFor(), 'x-webhook-timestamp': `${NOW}000` },
      body,
      'timestamp_too_new',
      /s in the future/,
    ],
    [
      'an ISO timestamp',
      { ...headersFor(), 'x-webhook-timestamp': '2026-03-02T07:15:00Z' },
      body,
      'invalid_timestamp',
      /unix seconds/,
    ],
    ['a delivery signed 301 s ago', headersFor(body, NOW - 301), body, 'timestamp_too_old', /301s ago/],
    ['a delivery signed an hour ago', headersFor(body, NOW - 3600), body, 'timestamp_too_old', /3600s ago/],
    [
      'a delivery signed 301 s ahead',
      headersFor(body, NOW + 301),
      body,
      'timestamp_too_new',
      /301s in the future/,
    ],
    [
      'another secret',
      headersFor(body, NOW, 'whsec_someone_else'),
      body,
      'signature_mismatch',
      /does not match/,
    ],
    ['a body with one byte changed', headersFor(), flipped, 'signature_mismatch', /does not match the body/],
    [
      'a timestamp that is not the signed one',
      { ...headersFor(), 'x-webhook-timestamp': String(NOW - 1) },
      body,
      'signature_mismatch',
      /does not match the body/,
    ],
    [
      'a delivery id header that is not the signed id',
      { ...headersFor(), 'x-webhook-id': 'wh_other' },
      body,
      'signature_mismatch',
      /X-Webhook-ID/,
    ],
    [
      'an event type header that is not the signed event',
      { ...headersFor(), 'x-event-type': 'order.cancelled' },
      body,
      'signature_mismatch',
      /X-Event-Type/,
    ],
    [
      'a signed body that is not JSON',
      headersFor('order.created'),
      'order.created',
      'invalid_body',
      /not UTF-8 JSON/,
    ],
    ['a signed JSON array', headersFor('[]'), '[]', 'invalid_body', /not a JSON object/],
    ...(['id', 'event', 'timestamp', 'webhook_id', 'attempt', 'data'] as const).map((field) => {
      const payload = JSON.stringify({ ...envelope, [field]: null });
      return [
        `a signed body without ${field}`,
        headersFor(payload),
        payload,
        'invalid_body',
        new RegExp(field),
      ] as [string, Record<string, string>, string, ValidationFailureReason, RegExp];
    }),
  ])('rejects %s', async (_case, headers, payload, reason, message) => {
    const result = await validatorWith().validate(headers, payload);
    const missing = reason === 'missing_headers' ? { missing: [expect.stringMatching(message)] } : {};
    expect(result).toEqual({ valid: false, reason, message: expect.stringMatching(message), ...missing });
  });

  it('lists every missing header', async () => {
    await expect(validatorWith().validate({}, body)).resolves.toEqual({
      valid: false,
      reason: 'missing_headers',
      message: 'missing required headers: X-Webhook-Signature, X-Webhook-Timestamp, X-Webhook-ID',
      missing: ['X-Webhook-Signature', 'X-Webhook-Timestamp', 'X-Webhook-ID'],
    });
  });

  it.each([
    ['300 s old', NOW - 300],
    ['300 s ahead', NOW + 300],
  ])('accepts a delivery signed %s', async (_case, timestamp) => {
    const result = await validatorWith().validate(headersFor(body, timestamp), body);
    expect(result.valid).toBe(true);
  });

  it('applies a custom tolerance', async () => {
    const validator = validatorWith({ toleranceSeconds: 30 });
    await expect(validator.validate(headersFor(body, NOW - 31), body)).resolves.toMatchObject({
      reason: 'timestamp_too_old',
    });
    await expect(validator.validate(headersFor(body, NOW - 30), body)).resolves.toMatchObject({
      valid: true,
    });
  });

  it.each([
    ['Node-style lower-case names', headersFor()],
    [
      'upper-case names',
      Object.fromEntries(Object.entries(headersFor()).map(([name, value]) => [name.toUpperCase(), value])),
    ],
    [
      'documented capitalisation',
      {
        'X-Webhook-ID': envelope.id,
        'X-Webhook-Timestamp': String(NOW),
        'X-Webhook-Signature': sign(secret, NOW, body),
      },
    ],
    [
      'array values',
      Object.fromEntries(Object.entries(headersFor()).map(([name, value]) => [name, [value]])),
    ],
    ['a fetch Headers object', new Headers(headersFor())],
  ])('reads headers given with %s', async (_case, headers) => {
    await expect(validatorWith().validate(headers, body)).resolves.toMatchObject({ valid: true });
  });

  it('reads headers under overridden names', async () => {
    const validator = validatorWith({ headers: { signature: 'X-Sig', timestamp: 'X-Ts' } });
    const { 'x-webhook-signature': signature, 'x-webhook-timestamp': timestamp, ...rest } = headersFor();
    await expect(
      validator.validate({ ...rest, 'x-sig': signature, 'x-ts': timestamp }, body),
    ).resolves.toMatchObject({
      valid: true,
    });
    await expect(validator.validate(headersFor(), body)).resolves.toMatchObject({
      missing: ['X-Sig', 'X-Ts'],
    });
  });

  it('accepts a body given as a string or as bytes', async () => {
    await expect(validatorWith().validate(headersFor(), Buffer.from(body))).resolves.toMatchObject({
      valid: true,
    });
    await expect(
      validatorWith().validate(headersFor(), new Uint8Array(Buffer.from(body))),
    ).resolves.toMatchObject({
      valid: true,
    });
  });

  describe('during a secret rotation', () => {
    const validator = () => validatorWith({ secret: undefined, secrets: ['whsec_new', 'whsec_old'] });

    it.each(['whsec_new', 'whsec_old'])('accepts a delivery signed with %s', async (signingSecret) => {
      await expect(validator().validate(headersFor(body, NOW, signingSecret), body)).resolves.toMatchObject({
        valid: true,
      });
    });

    it('rejects a secret that is in neither place', async () => {
      await expect(validator().validate(headersFor(body, NOW, secret), body)).resolves.toMatchObject({
        reason: 'signature_mismatch',
      });
    });
  });

  describe('replay protection', () => {
    it('refuses the same signed delivery a second time', async () => {
      const validator = validatorWith();
      await expect(validator.validate(headersFor(), body)).resolves.toMatchObject({ valid: true });
      await expect(validator.validate(headersFor(), body)).resolves.toEqual({
        valid: false,
        reason: 'replayed',
        message: expect.stringContaining(envelope.id),
      });
    });

    it('lets a retry of the same delivery through, since it is signed afresh', async () => {
      const validator = validatorWith();
      const retry = JSON.stringify({ ...envelope, attempt: 2 });
      await validator.validate(headersFor(), body);
      await expect(validator.validate(headersFor(retry, NOW + 60), retry)).resolves.toMatchObject({
        valid: true,
      });
    });

    it('lets a quick retry through even when it is signed within the same second', async () => {
      const validator = validatorWith();
      const retry = JSON.stringify({ ...envelope, attempt: 2 });
      await validator.validate(headersFor(), body);
      await expect(validator.validate(headersFor(retry, NOW), retry)).resolves.toMatchObject({ valid: true });
      await expect(validator.validate(headersFor(retry, NOW), retry)).resolves.toMatchObject({
        reason: 'replayed',
      });
    });

    it.each([
      ['a bad signature', { ...headersFor(), 'x-webhook-signature': sign('whsec_forged', NOW, body) }, body],
      ['a mismatching id header', { ...headersFor(), 'x-webhook-id': 'wh_other' }, body],
      ['an invalid body', headersFor('{}'), '{}'],
    ])('does not remember a delivery rejected for %s', async (_case, headers, payload) => {
      const seen: string[] = [];
      const validator = validatorWith({ seenIds: { addIfAbsent: (id) => (seen.push(id), true) } });
      await expect(validator.validate(headers, payload)).resolves.toMatchObject({ valid: false });
      expect(seen).toEqual([]);
      await expect(validator.validate(headersFor(), body)).resolves.toMatchObject({ valid: true });
    });

    it('asks the store to keep the delivery exactly until its timestamp leaves the window', async () => {
      const calls: [string, number][] = [];
      const store: SeenIdStore = {
        addIfAbsent: async (id, ttlSeconds) => {
          calls.push([id, ttlSeconds]);
          return true;
        },
      };
      await validatorWith({ seenIds: store }).validate(headersFor(body, NOW - 100), body);
      expect(calls).toEqual([[`${envelope.id}@${NOW - 100}#${envelope.attempt}`, 201]]);
    });

    it('reports a replay when an asynchronous store says so', async () => {
      const validator = validatorWith({ seenIds: { addIfAbsent: async () => false } });
      await expect(validator.validate(headersFor(), body)).resolves.toMatchObject({ reason: 'replayed' });
    });
  });

  describe('source address allowlist', () => {
    const validator = () => validatorWith({ allowedIps: ['203.0.113.0/24', '2001:db8::/32'] });

    it.each(['203.0.113.7', '::ffff:203.0.113.7', '2001:db8::15'])(
      'accepts a delivery from %s',
      async (sourceIp) => {
        await expect(validator().validate(headersFor(), body, { sourceIp })).resolves.toMatchObject({
          valid: true,
        });
      },
    );

    it.each([
      ['another network', '198.51.100.7'],
      ['another IPv6 network', '2001:db9::1'],
      ['an unknown address', undefined],
      ['something that is not an address', 'localhost'],
    ])('rejects a delivery from %s', async (_case, sourceIp) => {
      await expect(validator().validate(headersFor(), body, { sourceIp })).resolves.toEqual({
        valid: false,
        reason: 'ip_not_allowed',
        message: expect.stringContaining(sourceIp ?? '(unknown)'),
      });
    });
  });
});

describe('WebhookValidator.validate with Standard Webhooks headers', () => {
  const current = 'whsec_c2VjcmV0LW9mLTI0LWJ5dGVzLWxvbmchIQ==';
  const previous = 'whsec_cHJldmlvdXMtc2VjcmV0LTI0LWJ5dGVzIQ==';
  const standardValidator = (secrets = [current]) =>
    new WebhookValidator({ secrets, now: () => new Date(NOW * 1000) });
  const standardHeaders = (
    signingSecrets: string[],
    { id = envelope.id, timestamp = NOW, payload = body } = {},
  ) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook(signingSecrets, { id, timestamp, body: payload }),
  });

  it('accepts a delivery signed with the secret', async () => {
    await expect(standardValidator().validate(standardHeaders([current]), body)).resolves.toEqual({
      valid: true,
      deliveryId: envelope.id,
      eventType: 'order.created',
      timestamp: NOW,
      envelope,
    });
  });

  it.each<[string, string[], string[]]>([
    ['two signatures, the consumer on the new secret', [current, previous], [current]],
    ['two signatures, the consumer still on the old secret', [current, previous], [previous]],
    ['one signature, the consumer holding both secrets', [previous], [current, previous]],
  ])('accepts during a rotation: %s', async (_case, signedWith, held) => {
    await expect(standardValidator(held).validate(standardHeaders(signedWith), body)).resolves.toMatchObject({
      valid: true,
    });
  });

  it.each<[string, Record<string, string>, ValidationFailureReason]>([
    [
      'a tampered body',
      standardHeaders([current], { payload: body.replace('13.28', '23.28') }),
      'signature_mismatch',
    ],
    ['another secret', standardHeaders([previous]), 'signature_mismatch'],
    [
      'a signed id that is not the body id',
      standardHeaders([current], { id: 'wh_other' }),
      'signature_mismatch',
    ],
    ['a timestamp 301 s old', standardHeaders([current], { timestamp: NOW - 301 }), 'timestamp_too_old'],
    ['a timestamp 301 s ahead', standardHeaders([current], { timestamp: NOW + 301 }), 'timestamp_too_new'],
    [
      'a timestamp in words',
      { ...standardHeaders([current]), 'webhook-timestamp': 'now' },
      'invalid_timestamp',
    ],
  ])('refuses %s', async (_case, headers, reason) => {
    await expect(standardValidator().validate(headers, body)).resolves.toMatchObject({
      valid: false,
      reason,
    });
  });

  it('names the Standard Webhooks headers that are missing', async () => {
    const headers = without(standardHeaders([current]), 'webhook-id', 'webhook-timestamp');
    await expect(standardValidator().validate(headers, body)).resolves.toMatchObject({
      reason: 'missing_headers',
      missing: ['webhook-timestamp', 'webhook-id'],
    });
  });

  it('refuses the same signed delivery a second time', async () => {
    const validator = standardValidator();
    await validator.validate(standardHeaders([current]), body);
    await expect(validator.validate(standardHeaders([current]), body)).resolves.toMatchObject({
      reason: 'replayed',
    });
  });

  it('checks the platform signature when a delivery carries both', async () => {
    const validator = standardValidator();
    const headers = { ...standardHeaders([current]), ...headersFor(body, NOW, previous) };
    await expect(validator.validate(headers, body)).resolves.toMatchObject({ reason: 'signature_mismatch' });
  });

  it('signs test deliveries in the scheme asked for', async () => {
    const validator = standardValidator();
    const headers = validator.generateSignature(body, NOW, 'standard-webhooks');
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      ...standardHeaders([current]),
      'X-Event-Type': 'order.created',
    });
    await expect(validator.validate(headers, body)).resolves.toMatchObject({ valid: true });
  });
});

describe('WebhookValidator construction', () => {
  it.each<[string, WebhookValidatorOptions]>([
    ['an empty secret', { secret: '' }],
    ['no secrets', { secrets: [] }],
    ['an empty secret among others', { secrets: ['whsec_a', ''] }],
    ['a negative tolerance', { secret, toleranceSeconds: -1 }],
    ['a fractional tolerance', { secret, toleranceSeconds: 1.5 }],
    ['an empty allowlist', { secret, allowedIps: [] }],
    ['a malformed allowlist entry', { secret, allowedIps: ['203.0.113.0/33'] }],
  ])('refuses %s', (_case, options) => {
    expect(() => new WebhookValidator(options)).toThrow(RangeError);
  });
});

describe('WebhookValidator.generateSignature', () => {
  it('produces the headers of a delivery that validates', async () => {
    const validator = validatorWith();
    const headers = validator.generateSignature(body);
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-Webhook-Signature': sign(secret, NOW, body),
      'X-Webhook-Timestamp': String(NOW),
      'X-Webhook-ID': envelope.id,
      'X-Event-Type': envelope.event,
    });
    await expect(validator.validate(headers, body)).resolves.toMatchObject({ valid: true });
  });

  it('signs at the given timestamp with the current secret, and only signs a payload that is no envelope', () => {
    const validator = validatorWith({ secret: undefined, secrets: ['whsec_new', 'whsec_old'] });
    expect(validator.generateSignature('hello', 1700000000)).toEqual({
      'Content-Type': 'application/json',
      'X-Webhook-Signature': sign('whsec_new', 1700000000, 'hello'),
      'X-Webhook-Timestamp': '1700000000',
    });
  });
});
