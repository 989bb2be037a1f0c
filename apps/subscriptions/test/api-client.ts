import type { ServiceProcess } from '@smart-dairy/stack';
import { startTestService } from '@smart-dairy/testing';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  body: unknown;
  text: string;
}

export interface RequestOptions {
  key?: string;
  /** Sent as JSON unless a string (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The subscriptions service from dist/, on the suite's topics and the test database. */
export function startSubscriptions(
  prefix: string,
  env: NodeJS.ProcessEnv = {},
  onLine?: (line: string) => void,
): Promise<ServiceProcess> {
  return startTestService('subscriptions', prefix, env, onLine);
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultKey?: string,
  ) {}

  withKey(key: string): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  async request(
    method: string,
    path: string,
    { key, body, headers = {} }: RequestOptions = {},
  ): Promise<ApiResponse> {
    const auth = key ?? this.defaultKey;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(auth !== undefined && { authorization: `Bearer ${auth}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body?: unknown, options?: RequestOptions) =>
    this.request('POST', path, { ...options, body });
  patch = (path: string, body?: unknown, options?: RequestOptions) =>
    this.request('PATCH', path, { ...options, body });
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);
}

/** Asserts the RFC 9457 shape every 4xx of the API has, and returns it. */
export function expectProblem(res: ApiResponse, status: number, code: string) {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  const problem = res.body as {
    code: string;
    detail: string;
    status: number;
    problems?: { path: string; message: string }[];
  };
  expect(problem).toEqual(expect.objectContaining({ code, status, detail: expect.any(String) }));
  return problem;
}

/** The field paths of a validation problem. */
export function problemPaths(res: ApiResponse): string[] {
  return expectProblem(res, 400, 'validation_failed').problems?.map((p) => p.path) ?? [];
}
