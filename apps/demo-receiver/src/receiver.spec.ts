import { EVENT_CATALOG, buildDeliveryHeaders, deliveryIdFor, envelopeBytes } from '@smart-dairy/schemas';
import { sign } from '@smart-dairy/signing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReceiver } from './receiver';
import { fileSecrets, fixedSecrets, parseSecrets, type SecretSource } from './secret-source';

/** A delivery exactly as the dispatcher sends it, signed now with `secret`. */
function signedDelivery(secret: string, attempt = 1) {
  const deliveryId = deliveryIdFor({ type: 'order.created', id: `evt-${Math.random()}` }, 'sub_demo');
  const body = envelopeBytes({
    deliveryId,
    event: 'order.created',
    timestamp: new Date().toISOString(),
    subscriptionId: 'sub_demo',
    attempt,
    dataJson: JSON.stringify(EVENT_CATALOG['order.created'].sample),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = buildDeliveryHeaders({
    deliveryId,
    eventType: 'order.created',
    signature: sign(secret, timestamp, body),
    timestamp,
  });
  return { deliveryId, body, headers };
}

describe('demo receiver', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function start(secrets: SecretSource): Promise<{ url: string; lines: string[] }> {
    const lines: string[] = [];
    const server = createServer(createReceiver({ secrets, print: (line) => lines.push(line) }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
  }

  const post = (url: string, delivery: { body: Buffer; headers: Record<string, string> }) =>
    fetch(`${url}/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });

  it('answers 200 to a correctly signed delivery and prints it as verified', async () => {
    const { url, lines } = await start(fixedSecrets('whsec_demo'));
    const delivery = signedDelivery('whsec_demo', 2);

    const response = await post(url, delivery);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(lines).toEqual([`order.created ${delivery.deliveryId} attempt=2 verified=yes`]);
  });

  it('answers 401 to a delivery signed with another secret and prints why', async () => {
    const { url, lines } = await start(fixedSecrets('whsec_demo'));
    const delivery = signedDelivery('whsec_someone_else');

    const response = await post(url, delivery);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ reason: 'signature_mismatch' });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^order\\.created ${delivery.deliveryId} attempt=1 verified=no reason=signature_mismatch \\(`,
        ),
      ),
    ]);
  });

  it('answers 400 to a request without the signature headers', async () => {
    const { url, lines } = await start(fixedSecrets('whsec_demo'));

    const response = await fetch(`${url}/webhooks`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ reason: 'missing_headers' });
    expect(lines).toEqual([expect.stringMatching(/^- - attempt=- verified=no reason=missing_headers/)]);
  });

  it('refuses the same signed request a second time', async () => {
    const { url, lines } = await start(fixedSecrets('whsec_demo'));
    const delivery = signedDelivery('whsec_demo');

    expect((await post(url, delivery)).status).toBe(200);
    expect((await post(url, delivery)).status).toBe(401);
    expect(lines[1]).toContain('verified=no reason=replayed');
  });

  it('accepts deliveries signed with either secret during a rotation', async () => {
    const { url } = await start(fixedSecrets('whsec_new, whsec_old'));

    expect((await post(url, signedDelivery('whsec_old'))).status).toBe(200);
    expect((await post(url, signedDelivery('whsec_new'))).status).toBe(200);
    expect((await post(url, signedDelivery('whsec_other'))).status).toBe(401);
  });

  it('re-reads the secrets file on every request: 503 until it exists, then the current secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-receiver-'));
    try {
      const file = join(dir, 'secrets');
      const { url, lines } = await start(fileSecrets(file));

      const early = await post(url, signedDelivery('whsec_first'));
      expect(early.status).toBe(503);
      expect(lines[0]).toContain('verified=no reason=no_secret');

      await writeFile(file, 'whsec_first\n');
      expect((await post(url, signedDelivery('whsec_first'))).status).toBe(200);

      await writeFile(file, 'whsec_second\n');
      expect((await post(url, signedDelivery('whsec_first'))).status).toBe(401);
      expect((await post(url, signedDelivery('whsec_second'))).status).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers GET /health for the container health check, and 405 to other non-POST requests', async () => {
    const { url, lines } = await start(fixedSecrets('whsec_demo'));

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const get = await fetch(`${url}/webhooks`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(lines).toEqual([]);
  });

  it.each([
    ['whsec_a', ['whsec_a']],
    [' whsec_a , whsec_b ', ['whsec_a', 'whsec_b']],
    ['whsec_a\nwhsec_b\n', ['whsec_a', 'whsec_b']],
    ['\n', []],
  ])('reads secrets from %j', (text, expected) => {
    expect(parseSecrets(text)).toEqual(expected);
  });
});
