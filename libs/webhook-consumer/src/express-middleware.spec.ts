import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExpressMiddleware } from './express-middleware';
import { verifiedWebhookOf } from './verified-webhooks';
import { WebhookValidator } from './webhook-validator';

// @types/express is not installed; these are the few parts of Express the test drives.
type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;
interface ExpressApp {
  (request: IncomingMessage, response: ServerResponse): void;
  post(path: string, ...handlers: Middleware[]): ExpressApp;
}
interface Express {
  (): ExpressApp;
  raw(options: { type: string }): Middleware;
  json(): Middleware;
}
const express = jest.requireActual<Express>('express');

const body = JSON.stringify({
  id: 'wh_0123456789abcdef0123456789abcdef',
  event: 'shipment.delivered',
  timestamp: '2026-03-03T08:47:19Z',
  webhook_id: 'sub_2b7c41d9',
  attempt: 1,
  data: { shipment_id: 'SHIP-771204' },
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Posts a delivery through a fresh validator, so replay protection does not link the cases. */
async function postTo(bodyParsers: Middleware[], tamper: Record<string, string> = {}) {
  const validator = new WebhookValidator({ secret: 'whsec_partner_secret' });
  const headers = { ...validator.generateSignature(body), ...tamper };
  const app = express().post(
    '/webhooks',
    ...bodyParsers,
    createExpressMiddleware(validator) as Middleware,
    (request: IncomingMessage, response: ServerResponse) => {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ handled: verifiedWebhookOf(request)?.deliveryId }));
    },
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/webhooks`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('createExpressMiddleware', () => {
  it.each([
    ['after express.raw() for JSON', [express.raw({ type: 'application/json' })]],
    ['with no body parser', []],
    ['after express.raw() for another content type', [express.raw({ type: 'application/octet-stream' })]],
  ])('passes a valid delivery on %s', async (_case, parsers) => {
    const response = await postTo(parsers);
    expect(response).toEqual({
      status: 200,
      text: JSON.stringify({ handled: 'wh_0123456789abcdef0123456789abcdef' }),
    });
  });

  it('answers an invalid delivery itself, with the reason', async () => {
    const response = await postTo([express.raw({ type: 'application/json' })], {
      'X-Webhook-Signature': 'sha256=forged',
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('fails the request when express.json() already consumed the bytes', async () => {
    const response = await postTo([express.json()]);
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('handled');
  });
});
