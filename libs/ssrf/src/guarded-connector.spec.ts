import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { createGuardedConnector } from './guarded-connector';
import { SSRF_BLOCKED_CODE } from './ssrf-blocked-error';

describe('createGuardedConnector', () => {
  let server: Server;
  let port: number;
  let requestsReceived = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requestsReceived++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (url: string, allowPrivate: boolean) => {
    const dispatcher = new Agent({ connect: createGuardedConnector({ allowPrivate, timeout: 2_000 }) });
    try {
      const response = await request(url, { dispatcher });
      return { statusCode: response.statusCode, body: await response.body.text() };
    } finally {
      await dispatcher.destroy();
    }
  };

  it.each([
    ['an IPv4 literal', () => `http://127.0.0.1:${port}/`, '127.0.0.1'],
    ['an IPv6 literal', () => `http://[::1]:${port}/`, '::1'],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/`, '::ffff:7f00:1'],
    ['a name', () => `http://localhost:${port}/`, undefined],
    ['an https URL', () => `https://127.0.0.1:${port}/`, '127.0.0.1'],
  ])('refuses a loopback host given as %s before connecting', async (_case, url, address) => {
    const before = requestsReceived;
    const failure = get(url(), false);
    await expect(failure).rejects.toMatchObject({ code: SSRF_BLOCKED_CODE });
    if (address) await expect(failure).rejects.toMatchObject({ address });
    expect(requestsReceived).toBe(before);
  });

  it.each([
    ['an IPv4 literal', () => `http://127.0.0.1:${port}/`],
    ['a name', () => `http://localhost:${port}/`],
  ])('connects to %s when private addresses are allowed', async (_case, url) => {
    await expect(get(url(), true)).resolves.toEqual({ statusCode: 200, body: 'ok' });
  });

  it('keeps its guard when the options bring a lookup of their own', async () => {
    const lookup = jest.fn();
    const dispatcher = new Agent({ connect: createGuardedConnector({ allowPrivate: false, lookup }) });
    try {
      await expect(request(`http://localhost:${port}/`, { dispatcher })).rejects.toMatchObject({
        code: SSRF_BLOCKED_CODE,
      });
      expect(lookup).not.toHaveBeenCalled();
    } finally {
      await dispatcher.destroy();
    }
  });
});
