import type { ServiceProcess } from '@smart-dairy/stack';
import { uniquePrefix } from '@smart-dairy/testing';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { ApiClient, startSubscriptions } from './api-client';

jest.setTimeout(300_000);

interface DocumentedRoute {
  method: string;
  path: string;
  queryNames: string[];
  bodyFields: string[];
}

const RUNS = 6_000;

/** Bodies each route accepts, to mutate: valid ones reach deeper than random ones. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /v1/api-keys': { name: 'fuzz', scope: 'read' },
  'POST /v1/subscriptions': { url: 'http://127.0.0.1:9/fuzz', events: ['order.*'] },
  'PATCH /v1/subscriptions/{id}': { description: 'fuzzed', metadata: { a: 'b' } },
  'POST /v1/subscriptions/{id}/disable': { reason: 'fuzz' },
  'POST /v1/subscriptions/{id}/rotate-secret': { grace_period_seconds: 60 },
  'POST /v1/subscriptions/{id}/test': { event: 'order.created' },
};

/** Strings that break naive code: NUL (Postgres refuses it), lone surrogates, path tricks, huge numbers. */
const HOSTILE = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%',
  '%00',
  '%E0%A4%A',
  '..',
  '../..',
  '\ud800',
  'null',
  '{}',
  '1e999',
];

const text = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  fc.string(),
  fc.string({ unit: 'binary' }),
  { weight: 2, arbitrary: fc.string().map((s) => `${s}\u0000${s}`) },
);

const jsonish = fc.oneof(
  { weight: 3, arbitrary: text },
  fc.jsonValue(),
  fc.double(),
  fc.integer(),
  fc.constant(null),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
);

describe('the subscriptions API under random and malformed input', () => {
  const prefix = uniquePrefix('subsfuzz');
  const adminKey = `sdk_${randomBytes(32).toString('base64url')}`;
  const lines: string[] = [];
  let service: ServiceProcess;
  let api: ApiClient;
  let routes: DocumentedRoute[];
  const ids: string[] = [];

  beforeAll(async () => {
    service = await startSubscriptions(
      prefix,
      { ADMIN_API_KEY: adminKey, API_RATE_LIMIT_PER_SECOND: '1000000', API_RATE_LIMIT_BURST: '1000000' },
      (line) => lines.push(line),
    );
    api = new ApiClient(service.url, adminKey);
    const document = (await api.get('/docs/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string }[];
            requestBody?: { content: Record<string, { schema: { properties?: object } }> };
          }
        >
      >;
    };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        queryNames: op.parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}),
      })),
    );
    for (let i = 0; i < 3; i++) {
      const res = await api.post('/v1/subscriptions', VALID_BODIES['POST /v1/subscriptions']);
      ids.push((res.body as { id: string }).id);
    }
  });

  afterAll(async () => {
    // Disabled, so that other suites' ingestion does not fan out to them.
    for (const id of ids) await api.post(`/v1/subscriptions/${id}/disable`);
    await service?.stop();
  });

  it(`never answers 5xx, and answers every 4xx as problem+json (${RUNS} requests)`, async () => {
    // Routes with a body have the most to get wrong, so they come up more often.
    const route = fc.oneof(
      ...routes.map((r) => ({ weight: r.bodyFields.length > 0 ? 3 : 1, arbitrary: fc.constant(r) })),
    );
    const id = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ids) },
      // A lone surrogate cannot be percent-encoded; the round trip through UTF-8 replaces it.
      text.map((t) => encodeURIComponent(Buffer.from(t, 'utf8').toString('utf8'))),
      fc.constantFrom('%', '%zz', '%E0%A4%A', 'wh_sub_000000000000000000000000', 'wh_0123', '%2F..%2F'),
    );
    const query = (names: string[]) =>
      fc.oneof(
        fc.constant(''),
        fc
          .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('limit', ...names) }, text), text))
          .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
        fc.constantFrom('?limit=1e3', '?cursor=%zz', '?a[b]=1&a=2', '?status=active&status=disabled', '?&&='),
      );
    // Mostly a valid body with a field or two replaced, so that hostile values reach the deeper checks.
    const body = (r: DocumentedRoute) =>
      fc.oneof(fc.constant<unknown>(undefined), jsonish, {
        weight: 6,
        arbitrary: fc
          .dictionary(
            fc.oneof({ weight: 6, arbitrary: fc.constantFrom('x', ...r.bodyFields) }, text),
            jsonish,
            {
              minKeys: 1,
              maxKeys: 2,
            },
          )
          .map((changes) => ({ ...VALID_BODIES[`${r.method} ${r.path}`], ...changes })),
      });
    // Raw bytes replace the JSON body now and then: broken JSON, or JSON under another content type.
    const raw = fc.oneof(
      { weight: 6, arbitrary: fc.constant<string | undefined>(undefined) },
      fc.constantFrom('{', '{"url":', '[1,', 'nul', '\u0000', '{"a":1}{"b":2}'),
      text,
    );
    const contentType = fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        '',
      ),
    );
    const authorization = fc.oneof(
      { weight: 8, arbitrary: fc.constant(`Bearer ${adminKey}`) },
      fc.constantFrom('', 'Bearer', 'Bearer sdk_x', 'Basic Zm9vOmJhcg==', `bearer  ${adminKey}`),
      text.map((t) => `Bearer ${t.replace(/[^\x21-\x7e]/g, '')}`),
    );
    const request = route.chain((r) =>
      fc.record({
        route: fc.constant(r),
        id,
        query: query(r.queryNames),
        body: body(r),
        raw,
        contentType,
        authorization,
      }),
    );

    let requests = 0;
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        requests++;
        const path = input.route.path.replace('{id}', input.id) + input.query;
        const payload = input.raw ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
        const res = await fetch(`${service.url}${path}`, {
          method: input.route.method,
          headers: {
            ...(input.authorization && { authorization: input.authorization }),
            ...(payload !== undefined && input.contentType && { 'content-type': input.contentType }),
          },
          body: input.route.method === 'GET' ? undefined : payload,
        });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          const problem = JSON.parse(text) as Record<string, unknown>;
          expect(problem).toEqual(
            expect.objectContaining({
              type: expect.stringMatching(/^urn:smart-dairy:problem:[a-z_]+$/),
              title: expect.any(String),
              status: res.status,
              code: expect.stringMatching(/^[a-z_]+$/),
              detail: expect.any(String),
              instance: expect.any(String),
            }),
          );
          for (const p of (problem.problems ?? []) as unknown[]) {
            expect(p).toEqual({ path: expect.any(String), message: expect.any(String) });
          }
        } else if (res.status !== 204) {
          expect(() => JSON.parse(text)).not.toThrow();
        }
      }),
      { numRuns: RUNS },
    );
    expect(requests).toBeGreaterThanOrEqual(RUNS);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    // The filter logs every 5xx; none, and the process never fell over.
    expect(lines.filter((l) => l.includes('"request failed"'))).toEqual([]);
    expect(lines.filter((l) => /"level":"(fatal|error)"/.test(l))).toEqual([]);
  });
});
