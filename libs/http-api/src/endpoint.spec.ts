import { Controller, Module, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter, parseBody } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { z } from 'zod';
import { Endpoint } from './endpoint';
import { jsonBody } from './json-body';
import { Reply } from './reply';
import { routeTable } from './route-table';

const routes = routeTable('Things', {
  list: { method: 'get', path: '/v1/things', summary: 'List things', scopes: ['read'] },
  create: {
    method: 'post',
    path: '/v1/things',
    summary: 'Create a thing',
    body: z.strictObject({ name: z.string() }),
    status: 201,
  },
  replay: { method: 'post', path: '/v1/things/replay', summary: 'Answer a stored answer', status: 202 },
  remove: { method: 'delete', path: '/v1/things/:id', summary: 'Delete a thing', status: 204 },
});

@Controller()
class ThingsController {
  @Endpoint(routes.list)
  list() {
    return { data: [] };
  }

  @Endpoint(routes.create)
  create(@Req() request: Request) {
    return parseBody(routes.create.body, jsonBody(request));
  }

  @Endpoint(routes.replay)
  replay(@Req() request: Request) {
    const { status } = request.query;
    return status === undefined ? { fresh: true } : new Reply(Number(status), { stored: true });
  }

  @Endpoint(routes.remove)
  remove(): void {
    // A 204 route: the handler has nothing to return.
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('routeTable', () => {
  it('gives every route the table tag, and admin only and 200 unless the entry says otherwise', () => {
    expect(routes.list).toMatchObject({ tag: 'Things', scopes: ['read'], status: 200 });
    expect(routes.create).toMatchObject({ tag: 'Things', scopes: [], status: 201 });
  });
});

describe('Endpoint in a Nest express app', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const nest = await NestFactory.create<NestExpressApplication>(ThingsModule, { logger: false });
    nest.useGlobalFilters(new ProblemFilter({ error: jest.fn() }));
    await nest.listen(0, '127.0.0.1');
    app = nest;
    baseUrl = await app.getUrl();
  });
  afterAll(() => app.close());

  const request = async (method: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${baseUrl}${path}`, { method, ...init });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const json = (body: unknown): RequestInit => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it.each([
    ['GET', '/v1/things', {}, 200, { data: [] }],
    ['POST', '/v1/things', json({ name: 'a' }), 201, { name: 'a' }],
    ['DELETE', '/v1/things/1', {}, 204, undefined],
  ])('answers %s %s with the status of its route', async (method, path, init, status, body) => {
    expect(await request(method, path, init)).toEqual({ status, body });
  });

  it('answers a Reply with its own status and body, and anything else with the route status', async () => {
    expect(await request('POST', '/v1/things/replay?status=200')).toEqual({
      status: 200,
      body: { stored: true },
    });
    expect(await request('POST', '/v1/things/replay')).toEqual({ status: 202, body: { fresh: true } });
  });

  it('refuses a body that is not JSON with 415, and reports a missing one field by field', async () => {
    const text = await request('POST', '/v1/things', {
      headers: { 'content-type': 'text/plain' },
      body: 'name=a',
    });
    expect(text).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    const missing = await request('POST', '/v1/things');
    expect(missing).toMatchObject({ status: 400, body: { problems: [{ path: 'name' }] } });
  });
});
