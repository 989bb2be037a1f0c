import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeHandler, type HandlerOptions, type OnWebhook } from './node-handler';
import type { SeenIdStore } from './seen-id-store';
import { WebhookValidator, type WebhookValidatorOptions } from './webhook-validator';

const secret = 'whsec_partner_secret';
const body = JSON.stringify({
  id: 'wh_5d41402abc4b2a76b9719d911017c592',
  event: 'payment.completed',
  timestamp: '2026-03-02T07:16:04Z',
  webhook_id: 'sub_2b7c41d9',
  attempt: 1,
  data: { payment_id: 'PAY-550918', amount: 13.28 },
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(
  onEvent: OnWebhook = () => undefined,
  options: HandlerOptions = {},
  validatorOptions: Partial<WebhookValidatorOptions> = {},
) {
  const validator = new WebhookValidator({ secret, ...validatorOptions } as WebhookValidatorOptions);
  server = createServer(createNodeHandler(validator, onEvent, options));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const post = async (headers: Record<string, string>, payload: string = body) => {
    const response = await fetch(`http://127.0.0.1:${port}/webhooks`, {
      method: 'POST',
      headers,
      body: payload,
    });
    return { status: response.status, json: await response.json() };
  };
  return { validator, post };
}

describe('createNodeHandler', () => {
  it('answers 200 after handing the verified delivery to onEvent', async () => {
    const received: unknown[] = [];
    const { validator, post } = await serve((webhook) => {
      received.push(webhook.envelope);
    });
    await expect(post(validator.generateSignature(body))).resolves.toEqual({
      status: 200,
      json: { received: true },
    });
    expect(received).toEqual([JSON.parse(body)]);
  });

  it.each<[string, (headers: Record<string, string>) => Record<string, string>, number, string]>([
    [
      'a wrong signature',
      (headers) => ({ ...headers, 'X-Webhook-Signature': 'sha256=AAAA' }),
      401,
      'signature_mismatch',
    ],
    [
      'a stale timestamp',
      (headers) => ({ ...headers, 'X-Webhook-Timestamp': '1700000000' }),
      401,
      'timestamp_too_old',
    ],
    [
      'a timestamp in words',
      (headers) => ({ ...headers, 'X-Webhook-Timestamp': 'soon' }),
      400,
      'invalid_timestamp',
    ],
    ['no delivery id', ({ 'X-Webhook-ID': _id, ...headers }) => headers, 400, 'missing_headers'],
  ])('answers %s with %i and the reason', async (_case, tamper, status, reason) => {
    let called = false;
    const { validator, post } = await serve(() => {
      called = true;
    });
    const response = await post(tamper(validator.generateSignature(body)));
    expect(response).toEqual({
      status,
      json: expect.objectContaining({ reason, message: expect.any(String) }),
    });
    expect(called).toBe(false);
  });

  it('names the missing headers', async () => {
    const { post } = await serve();
    await expect(post({ 'Content-Type': 'application/json' })).resolves.toMatchObject({
      status: 400,
      json: {
        reason: 'missing_headers',
        missing: ['X-Webhook-Signature', 'X-Webhook-Timestamp', 'X-Webhook-ID'],
      },
    });
  });

  it('answers a signed body that is no envelope with 400', async () => {
    const { validator, post } = await serve();
    const headers = { ...validator.generateSignature('{}'), 'X-Webhook-ID': 'wh_1' };
    await expect(post(headers, '{}')).resolves.toMatchObject({
      status: 400,
      json: { reason: 'invalid_body' },
    });
  });

  it('answers a replayed request with 401', async () => {
    const { validator, post } = await serve();
    const headers = validator.generateSignature(body);
    await expect(post(headers)).resolves.toMatchObject({ status: 200 });
    await expect(post(headers)).resolves.toMatchObject({ status: 401, json: { reason: 'replayed' } });
  });

  it.each([
    ['outside the allowlist', {}, ['203.0.113.0/24'], 403],
    ['inside the allowlist', {}, ['127.0.0.1', '::1'], 200],
    [
      'allowed by the address a proxy reported',
      { sourceIp: (request: IncomingMessage) => String(request.headers['x-forwarded-for']) },
      ['203.0.113.0/24'],
      200,
    ],
  ])('answers a delivery from %s with %i', async (_case, options, allowedIps, status) => {
    const { validator, post } = await serve(undefined, options, { allowedIps });
    const response = await post({ ...validator.generateSignature(body), 'X-Forwarded-For': '203.0.113.20' });
    expect(response.status).toBe(status);
    if (status === 403) expect(response.json).toMatchObject({ reason: 'ip_not_allowed' });
  });

  it('answers an oversized body with 413 without reading it', async () => {
    const { validator, post } = await serve(undefined, { maxBodyBytes: 64 });
    await expect(post(validator.generateSignature(body))).resolves.toEqual({
      status: 413,
      json: { reason: 'payload_too_large', message: 'request body is larger than 64 bytes' },
    });
  });

  it('answers 500 when onEvent fails, and accepts the retry', async () => {
    const errors: unknown[] = [];
    let failures = 1;
    const { validator, post } = await serve(
      () => {
        if (failures-- > 0) throw new Error('database down');
      },
      { onError: (error) => errors.push(error) },
    );
    const now = Math.floor(Date.now() / 1000);
    await expect(post(validator.generateSignature(body, now - 60))).resolves.toEqual({
      status: 500,
      json: { reason: 'handler_failed', message: 'the delivery could not be processed' },
    });
    expect(errors).toEqual([new Error('database down')]);
    await expect(post(validator.generateSignature(body, now))).resolves.toMatchObject({ status: 200 });
  });

  it('answers 500 when the seen-id store fails', async () => {
    const errors: unknown[] = [];
    const brokenStore: SeenIdStore = { addIfAbsent: () => Promise.reject(new Error('redis unavailable')) };
    const { validator, post } = await serve(
      undefined,
      { onError: (error) => errors.push(error) },
      { seenIds: brokenStore },
    );
    await expect(post(validator.generateSignature(body))).resolves.toMatchObject({ status: 500 });
    expect(errors).toEqual([new Error('redis unavailable')]);
  });
});
