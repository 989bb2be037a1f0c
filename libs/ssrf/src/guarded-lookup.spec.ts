import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { createGuardedLookup, type Resolver } from './guarded-lookup';
import { SSRF_BLOCKED_CODE, SsrfBlockedError } from './ssrf-blocked-error';

interface LookupResult {
  readonly error: NodeJS.ErrnoException | null;
  readonly address: string | LookupAddress[];
  readonly family?: number;
}

const lookUp = (lookup: LookupFunction, hostname: string, options: LookupOptions): Promise<LookupResult> =>
  new Promise((resolve) =>
    lookup(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );

const resolvingTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('createGuardedLookup', () => {
  const publicV4 = { address: '93.184.215.14', family: 4 };
  const publicV6 = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };

  it.each([
    ['one address', { all: false }, [publicV4.address], { address: publicV4.address, family: 4 }],
    [
      'the first of several',
      {},
      [publicV6.address, publicV4.address],
      { address: publicV6.address, family: 6 },
    ],
    [
      'every address when all is set',
      { all: true },
      [publicV4.address, publicV6.address],
      { address: [publicV4, publicV6] },
    ],
  ])('passes on %s once checked', async (_case, options, resolved, expected) => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: resolvingTo(...resolved) });
    expect(await lookUp(lookup, 'hooks.example.com', options)).toEqual({ error: null, ...expected });
  });

  it.each([
    ['only a loopback address', ['127.0.0.1'], '127.0.0.1', 'loopback (127.0.0.0/8)'],
    [
      'a private address after a public one',
      [publicV4.address, '10.0.0.7'],
      '10.0.0.7',
      'private (10.0.0.0/8)',
    ],
    [
      'cloud metadata',
      ['169.254.169.254'],
      '169.254.169.254',
      'link-local, incl. cloud metadata (169.254.0.0/16)',
    ],
    [
      'an IPv4-mapped loopback',
      ['::ffff:7f00:1'],
      '::ffff:7f00:1',
      'IPv4-mapped address of 127.0.0.1: loopback',
    ],
    ['IPv6 loopback among public', [publicV6.address, '::1'], '::1', 'loopback (::1/128)'],
  ])('refuses a name resolving to %s', async (_case, resolved, address, reason) => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: resolvingTo(...resolved) });
    for (const all of [false, true]) {
      const { error } = await lookUp(lookup, 'rebind.attacker.example', { all });
      expect(error).toBeInstanceOf(SsrfBlockedError);
      expect(error).toMatchObject({ code: SSRF_BLOCKED_CODE, hostname: 'rebind.attacker.example', address });
      expect((error as SsrfBlockedError).reason).toContain(reason);
    }
  });

  it('lets private addresses through when they are allowed', async () => {
    const lookup = createGuardedLookup({ allowPrivate: true, resolve: resolvingTo('127.0.0.1', '10.0.0.7') });
    expect(await lookUp(lookup, 'receiver.internal', {})).toEqual({
      error: null,
      address: '127.0.0.1',
      family: 4,
    });
  });

  it('asks the resolver for every address, keeping the caller’s family and hints', async () => {
    const resolve = jest.fn(resolvingTo(publicV4.address));
    await lookUp(createGuardedLookup({ allowPrivate: false, resolve }), 'hooks.example.com', {
      family: 4,
      hints: 32,
    });
    expect(resolve).toHaveBeenCalledWith('hooks.example.com', { family: 4, hints: 32, all: true });
  });

  it.each([
    [
      'fails',
      async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    ],
    ['finds nothing', resolvingTo()],
  ])('reports ENOTFOUND when the resolver %s', async (_case, resolve) => {
    const { error } = await lookUp(
      createGuardedLookup({ allowPrivate: false, resolve }),
      'nowhere.example',
      {},
    );
    expect(error?.code).toBe('ENOTFOUND');
  });

  it.each([{ all: false }, { all: true }])(
    'refuses localhost as the system resolves it (%j)',
    async (options) => {
      const { error } = await lookUp(createGuardedLookup({ allowPrivate: false }), 'localhost', options);
      expect(error).toMatchObject({ code: SSRF_BLOCKED_CODE, hostname: 'localhost' });
    },
  );

  describe('as undici’s connect lookup', () => {
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

    const get = async (allowPrivate: boolean) => {
      const dispatcher = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivate }) } });
      try {
        const response = await request(`http://localhost:${port}/`, { dispatcher });
        return { statusCode: response.statusCode, body: await response.body.text() };
      } finally {
        await dispatcher.close();
      }
    };

    it('never connects to a receiver on localhost', async () => {
      const before = requestsReceived;
      await expect(get(false)).rejects.toMatchObject({ code: SSRF_BLOCKED_CODE });
      expect(requestsReceived).toBe(before);
    });

    it('connects when private addresses are allowed', async () => {
      await expect(get(true)).resolves.toEqual({ statusCode: 200, body: 'ok' });
    });
  });
});
