import { createGuardedConnector } from '@smart-dairy/ssrf';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, errors, request, type Dispatcher } from 'undici';
import { classifyAttempt, classifyNetworkError, type NetworkErrorClass } from './classify';

const now = new Date('2026-01-31T10:30:00.000Z');

describe('classifyAttempt', () => {
  describe('responses', () => {
    it.each([
      [100, 'retry', false],
      [101, 'retry', false],
      [199, 'retry', false],
      [200, 'delivered', false],
      [202, 'delivered', false],
      [204, 'delivered', false],
      [299, 'delivered', false],
      [300, 'retry', false],
      [301, 'retry', false],
      [302, 'retry', false],
      [304, 'retry', false],
      [307, 'retry', false],
      [308, 'retry', false],
      [399, 'retry', false],
      [400, 'terminal', false],
      [401, 'terminal', false],
      [403, 'terminal', false],
      [404, 'terminal', false],
      [408, 'retry', false],
      [409, 'terminal', false],
      [410, 'terminal', true],
      [413, 'terminal', false],
      [422, 'terminal', false],
      [429, 'retry', false],
      [499, 'terminal', false],
      [500, 'retry', false],
      [502, 'retry', false],
      [503, 'retry', false],
      [504, 'retry', false],
      [599, 'retry', false],
      [600, 'retry', false],
    ])('%i → %s (disable subscription: %s)', (statusCode, verdict, disableSubscription) => {
      expect(classifyAttempt({ kind: 'response', statusCode }, now)).toEqual({
        verdict,
        errorClass: verdict === 'delivered' ? null : `http_${statusCode}`,
        disableSubscription,
      });
    });

    it.each([
      [429, '120', 120_000],
      [503, '0', 0],
      [503, 'Sat, 31 Jan 2026 10:31:30 GMT', 90_000],
      [503, 'Sat, 31 Jan 2026 10:00:00 GMT', 0],
      [429, 'soon', undefined],
      [408, '120', undefined],
      [500, '120', undefined],
      [502, '120', undefined],
      [504, 'Sat, 31 Jan 2026 10:31:30 GMT', undefined],
      [301, '120', undefined],
    ])('on %i reads Retry-After %j as %s ms', (statusCode, retryAfter, retryAfterMs) => {
      const classification = classifyAttempt({ kind: 'response', statusCode, retryAfter }, now);
      expect(classification.verdict).toBe('retry');
      expect(classification.retryAfterMs).toBe(retryAfterMs);
    });

    it.each([200, 404, 410])('ignores Retry-After on %i', (statusCode) => {
      expect(classifyAttempt({ kind: 'response', statusCode, retryAfter: '120' }, now)).not.toHaveProperty(
        'retryAfterMs',
      );
    });
  });

  describe('errors', () => {
    it.each<[NetworkErrorClass, string]>([
      ['timeout', 'retry'],
      ['connect_timeout', 'retry'],
      ['connection_refused', 'retry'],
      ['connection_reset', 'retry'],
      ['dns', 'retry'],
      ['tls', 'retry'],
      ['other', 'retry'],
      ['ssrf_blocked', 'terminal'],
      ['body_too_large', 'terminal'],
    ])('%s → %s', (errorClass, verdict) => {
      expect(classifyAttempt({ kind: 'error', errorClass }, now)).toEqual({
        verdict,
        errorClass,
        disableSubscription: false,
      });
    });
  });
});

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('classifyNetworkError', () => {
  it.each<[string, NetworkErrorClass]>([
    ['UND_ERR_CONNECT_TIMEOUT', 'connect_timeout'],
    ['ETIMEDOUT', 'connect_timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_ABORTED', 'timeout'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tls'],
    ['ERR_SSRF_BLOCKED', 'ssrf_blocked'],
    ['EHOSTUNREACH', 'other'],
    ['UND_ERR_INFO', 'other'],
  ])('maps code %s to %s, on the error or on its causes', (code, expected) => {
    expect(classifyNetworkError(withCode(code))).toBe(expected);
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: withCode(code) }))).toBe(expected);
    const wrappedTwice = new Error('outer', { cause: new Error('middle', { cause: withCode(code) }) });
    expect(classifyNetworkError(wrappedTwice)).toBe(expected);
  });

  it.each<[string, unknown, NetworkErrorClass]>([
    ['an undici ConnectTimeoutError', new errors.ConnectTimeoutError(), 'connect_timeout'],
    ['an undici HeadersTimeoutError', new errors.HeadersTimeoutError(), 'timeout'],
    ['an undici BodyTimeoutError', new errors.BodyTimeoutError(), 'timeout'],
    ['an undici RequestAbortedError', new errors.RequestAbortedError(), 'timeout'],
    ['an undici SocketError', new errors.SocketError('other side closed'), 'connection_reset'],
    ['the reason of AbortSignal.timeout()', new DOMException('signal timed out', 'TimeoutError'), 'timeout'],
    [
      'the outer code, when the cause has another',
      Object.assign(withCode('UND_ERR_SOCKET'), { cause: withCode('CERT_HAS_EXPIRED') }),
      'connection_reset',
    ],
    ['a cause beyond the depth followed', nest(withCode('ECONNREFUSED'), 6), 'other'],
    ['a cycle of causes', cyclic(), 'other'],
    ['a numeric code', Object.assign(new Error('x'), { code: 20 }), 'other'],
    ['a plain Error', new Error('boom'), 'other'],
    ['a string', 'ECONNREFUSED', 'other'],
    ['undefined', undefined, 'other'],
    ['null', null, 'other'],
  ])('classifies %s', (_case, error, expected) => {
    expect(classifyNetworkError(error)).toBe(expected);
  });

  describe('what undici really throws', () => {
    let server: Server;
    let origin: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/reset') return req.socket.destroy();
        if (req.url === '/stall-body') return res.writeHead(200).write('partial');
        // '/stall-headers' never answers.
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it.each<[string, () => Promise<unknown>, NetworkErrorClass]>([
      ['a closed port', async () => failureOf(await closedPortOrigin()), 'connection_refused'],
      ['a dropped connection', () => failureOf(`${origin}/reset`), 'connection_reset'],
      ['a receiver that never answers', () => failureOf(`${origin}/stall-headers`), 'timeout'],
      ['a body that stops arriving', () => failureOf(`${origin}/stall-body`), 'timeout'],
      [
        'a deadline signal',
        () =>
          failureOf(
            `${origin}/stall-headers`,
            { headersTimeout: 10_000 },
            { signal: AbortSignal.timeout(50) },
          ),
        'timeout',
      ],
      ['an unresolvable name', () => failureOf('http://receiver.invalid/'), 'dns'],
      [
        'a forbidden receiver',
        () => failureOf(origin, { connect: createGuardedConnector({ allowPrivate: false }) }),
        'ssrf_blocked',
      ],
    ])('classifies %s', async (_case, fail, expected) => {
      const error = await fail();
      expect(error).toBeDefined();
      expect(classifyNetworkError(error)).toBe(expected);
    });
  });
});

function nest(error: Error, depth: number): Error {
  return depth === 0 ? error : new Error(`level ${depth}`, { cause: nest(error, depth - 1) });
}

function cyclic(): Error {
  const error = new Error('loop');
  (error as Error & { cause: unknown }).cause = error;
  return error;
}

async function closedPortOrigin(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

/** The error a GET of `url` fails with, or undefined; short timeouts keep stalled receivers quick to test. */
async function failureOf(
  url: string,
  agentOptions: Agent.Options = {},
  requestOptions: Partial<Dispatcher.RequestOptions> = {},
): Promise<unknown> {
  const dispatcher = new Agent({ headersTimeout: 200, bodyTimeout: 200, ...agentOptions });
  try {
    const response = await request(url, { ...requestOptions, dispatcher });
    await response.body.text();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await dispatcher.destroy();
  }
}
