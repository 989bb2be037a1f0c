import { ApiKeyScope, type PrismaService } from '@smart-dairy/db';
import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { ServiceProcess, freePort } from '@smart-dairy/stack';
import {
  TcpFaultProxy,
  connectTestPrisma,
  createApiKeyRow,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

jest.setTimeout(120_000);

const FAILURE_BURST = 5;
const MIB = 1024 * 1024;
const BAD_KEY = `Bearer sdk_${'A'.repeat(43)}`;

/**
 * The failed-authentication limit of a real ingestion process, whose Postgres sits behind a proxy the
 * test can cut: once an address has spent its failures, its requests without a valid key get 429
 * even while the database is unreachable, which they could not if each one still read the database.
 */
describe('failed authentication limit per client address', () => {
  const prefix = uniquePrefix('authlim');
  const proxy = new TcpFaultProxy({ host: '127.0.0.1', port: 5432 });
  // Another client address on the loopback network: Linux routes all of 127.0.0.0/8 locally.
  const otherAddress = '127.0.0.2';
  let prisma: PrismaService;
  let ingestion: ServiceProcess;
  let goodKey: string;

  const event = JSON.stringify({
    event: 'order.created',
    timestamp: '2026-01-31T10:30:00Z',
    data: EVENT_CATALOG['order.created'].sample,
  });

  // node:http, because it can choose the local address of its connection.
  const post = (
    authorization: string,
    body: string,
    headers: Record<string, string> = {},
    localAddress?: string,
  ) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }>((resolve, reject) => {
      const req = httpRequest(`${ingestion.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, ...headers },
        localAddress,
        agent: false,
      });
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    prisma = await connectTestPrisma();
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is set by the integration global setup');
    const proxyPort = await proxy.start();
    goodKey = await createApiKeyRow(prisma, ApiKeyScope.producer, `${prefix}-producer`);
    ingestion = new ServiceProcess('ingestion', {
      port: await freePort(),
      env: serviceEnv(prefix, {
        DATABASE_URL: proxy.proxied(databaseUrl, proxyPort),
        // A database read that cannot connect fails within a second instead of hanging the test.
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        API_KEY_CACHE_TTL_MS: '600000',
        API_AUTH_FAILURE_BURST: String(FAILURE_BURST),
        API_AUTH_FAILURES_PER_MINUTE: '1',
      }),
    }).start();
    await ingestion.waitUntilReady();
  });

  afterAll(async () => {
    await ingestion?.stop();
    await proxy.stop();
    await prisma?.apiKey.deleteMany({ where: { name: { startsWith: prefix } } });
    await prisma?.$disconnect();
  });

  it('accepts a valid key (which the process now has cached)', async () => {
    await expect(post(`Bearer ${goodKey}`, event)).resolves.toMatchObject({ status: 202 });
  });

  it('refuses a bad key as soon as the headers arrive, without waiting for the body', async () => {
    // The request announces 1 MiB and sends none of it: only a server that answers before reading
    // the body answers at all (before, the JSON parser waited for the body).
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${ingestion.url}/v1/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(MIB),
          authorization: BAD_KEY,
        },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.setTimeout(5_000, () => reject(new Error('no answer while the body was held back')));
      req.flushHeaders();
    });
    expect(status).toBe(401);
  });

  it('answers a bad key with a 1 MiB body that is not JSON with 401, not a parse error', async () => {
    const notJson = `{${'x'.repeat(MIB - 2)}`;
    // The announced request took one failure; these take the rest of the burst.
    for (let i = 1; i < FAILURE_BURST; i++) {
      const response = await post(BAD_KEY, notJson);
      expect(response).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    }
  });

  it('answers 429 with Retry-After, without a database read, once the address has spent its failures', async () => {
    proxy.refuse();
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        // X-Forwarded-For is not believed without API_TRUST_PROXY_HOPS, so it cannot mint new addresses.
        post(i % 2 ? BAD_KEY : 'Bearer not-even-a-key', '{}', { 'x-forwarded-for': `198.51.100.${i}` }),
      ),
    );
    const elapsedMs = performance.now() - started;
    for (const response of responses) {
      expect(response).toMatchObject({
        status: 429,
        body: { code: 'too_many_failed_authentications', status: 429 },
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Well under one database connect timeout: nothing waited for Postgres.
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('still accepts the cached valid key, from this address and from another, while the database is down', async () => {
    await expect(post(`Bearer ${goodKey}`, event)).resolves.toMatchObject({ status: 202 });
    await expect(post(`Bearer ${goodKey}`, event, {}, otherAddress)).resolves.toMatchObject({ status: 202 });
  });

  it('checks a key it has not cached for another address, but not for the limited one', async () => {
    proxy.restore();
    const newKey = await createApiKeyRow(prisma, ApiKeyScope.producer, `${prefix}-second`);
    await expect(post(`Bearer ${newKey}`, event)).resolves.toMatchObject({
      status: 429,
      body: { code: 'too_many_failed_authentications' },
    });
    await expect(post(`Bearer ${newKey}`, event, {}, otherAddress)).resolves.toMatchObject({ status: 202 });
    // Now cached, it works from the limited address too.
    await expect(post(`Bearer ${newKey}`, event)).resolves.toMatchObject({ status: 202 });
  });
});
