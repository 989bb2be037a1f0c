import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  Module,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  ServiceUnavailableException,
  UnprocessableEntityException,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { parseBody, parseQuery } from './parse-input';
import { NotFoundProblem, ProblemError } from './problem-error';
import { ProblemFilter } from './problem.filter';
import { PROBLEM_TYPES, problemTypeUri, type ProblemCode } from './problem-types';

const BODY_LIMIT_BYTES = 1024;
const thing = z.strictObject({ name: z.string().min(1), quantity: z.number().int().positive() });

@Controller()
class ThingsController {
  @Get('things/:id')
  find(@Param('id') id: string): never {
    throw new NotFoundProblem(`Thing ${id} not found.`);
  }

  @Post('things')
  create(@Body() body: unknown) {
    return { created: parseBody(thing, body) };
  }

  @Get('things')
  list(@Query() query: unknown) {
    return parseQuery(z.strictObject({ limit: z.coerce.number().int().positive() }), query);
  }

  @Get('limited')
  limited(): never {
    throw new ProblemError('rate_limited', 'Slow down.', { headers: { 'Retry-After': '3' } });
  }

  @Get('nest/:status')
  nest(@Param('status', ParseIntPipe) status: number): never {
    throw new HttpException(`Nest says ${status}`, status);
  }

  @Get('nest-builtin/:name')
  nestBuiltin(@Param('name') name: string): never {
    const exceptions: Record<string, () => HttpException> = {
      forbidden: () => new ForbiddenException('Not yours.'),
      conflict: () => new ConflictException('Already there.'),
      unprocessable: () => new UnprocessableEntityException('Cannot process.'),
      unavailable: () => new ServiceUnavailableException('Database pool exhausted at 10.0.0.5'),
    };
    throw exceptions[name]();
  }

  @Get('boom')
  boom(): never {
    throw new Error('connect ECONNREFUSED postgres://admin:hunter2@10.0.0.5');
  }

  @Get('half-sent')
  halfSent(@Res() response: Response): never {
    response.write('{"items":[');
    throw new Error('cursor lost');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('ProblemFilter in a Nest express app', () => {
  const logger = { error: jest.fn() };
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    // The same parser set-up as service-kit's bootstrap, so body-parser errors take the production path.
    const nest = await NestFactory.create<NestExpressApplication>(ThingsModule, {
      logger: false,
      bodyParser: false,
      rawBody: true,
    });
    nest.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    nest.useGlobalFilters(new ProblemFilter(logger));
    await nest.listen(0, '127.0.0.1');
    app = nest;
    baseUrl = await app.getUrl();
  });
  afterAll(() => app.close());
  beforeEach(() => logger.error.mockClear());

  const request = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${baseUrl}${path}`, init);
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const postThing = (
    body: RequestInit['body'],
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => request('/things', { method: 'POST', headers, body });

  function expectProblem(
    response: { status: number; headers: Headers; body: string },
    status: number,
    code: ProblemCode,
  ) {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
    const problem = JSON.parse(response.body);
    expect(response.status).toBe(status);
    expect(problem).toMatchObject({ type: problemTypeUri(code), status, code });
    expect(problem.title).toEqual(expect.any(String));
    expect(problem.detail).toEqual(expect.any(String));
    return problem;
  }

  it('answers a ProblemError with its status, code, detail and the request path as instance', async () => {
    const response = await request('/things/42?expand=all');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:smart-dairy:problem:not_found',
      title: 'Not found',
      status: 404,
      code: 'not_found',
      detail: 'Thing 42 not found.',
      instance: '/things/42',
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('sends the headers a ProblemError carries', async () => {
    const response = await request('/limited');
    expectProblem(response, 429, 'rate_limited');
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('answers an unknown route with not_found', async () => {
    const problem = expectProblem(await request('/no/such/route'), 404, 'not_found');
    expect(problem).toMatchObject({ detail: 'Cannot GET /no/such/route', instance: '/no/such/route' });
  });

  it('lists the field problems of an invalid body', async () => {
    const problem = expectProblem(
      await postThing(JSON.stringify({ name: '', quantity: 1, colour: 'white' })),
      400,
      'validation_failed',
    );
    expect(problem.problems).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'colour', message: 'Unknown field' },
    ]);
  });

  it('validates the query string', async () => {
    const problem = expectProblem(await request('/things?limit=none'), 400, 'validation_failed');
    expect(problem.problems).toEqual([{ path: 'limit', message: expect.any(String) }]);
  });

  it('lets a valid request through untouched', async () => {
    const response = await postThing(JSON.stringify({ name: 'butter', quantity: 3 }));
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toEqual({ created: { name: 'butter', quantity: 3 } });
  });

  it.each([
    ['malformed JSON', () => postThing('{"name": "butter",'), 400, 'malformed_json'],
    ['a JSON scalar, which strict parsing refuses', () => postThing('"butter"'), 400, 'malformed_json'],
    [
      'a body over the limit',
      () => postThing(JSON.stringify({ name: 'x'.repeat(2 * BODY_LIMIT_BYTES) })),
      413,
      'payload_too_large',
    ],
    [
      'an unsupported charset',
      () => postThing('{}', { 'content-type': 'application/json; charset=latin1' }),
      415,
      'unsupported_media_type',
    ],
    [
      'an unsupported content encoding',
      () => postThing('{}', { 'content-type': 'application/json', 'content-encoding': 'x-rot13' }),
      415,
      'unsupported_media_type',
    ],
    [
      'a corrupt gzip body',
      () => postThing('not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      400,
      'bad_request',
    ],
  ] as const)('answers %s with %i %s', async (_case, send, status, code) => {
    expectProblem(await send(), status, code);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('names the byte limit when a body is too large', async () => {
    const problem = expectProblem(
      await postThing(JSON.stringify({ name: 'x'.repeat(4096) })),
      413,
      'payload_too_large',
    );
    expect(problem.detail).toBe(`The request body is larger than the limit of ${BODY_LIMIT_BYTES} bytes.`);
  });

  it('parses a gzip body that is intact', async () => {
    const response = await postThing(gzipSync(JSON.stringify({ name: 'cream', quantity: 1 })), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(201);
  });

  it.each([
    ['forbidden', 403, 'forbidden', 'Not yours.'],
    ['conflict', 409, 'conflict', 'Already there.'],
    ['unprocessable', 422, 'validation_failed', 'Cannot process.'],
  ] as const)('maps Nest’s %s exception to %i %s with its message', async (name, status, code, detail) => {
    const problem = expectProblem(await request(`/nest-builtin/${name}`), status, code);
    expect(problem.detail).toBe(detail);
  });

  it('keeps the status of an HttpException without a code of its own, under the generic 4xx code', async () => {
    const problem = expectProblem(await request('/nest/418'), 418, 'bad_request');
    expect(problem.detail).toBe('Nest says 418');
  });

  it('answers a ParseIntPipe failure as bad_request', async () => {
    expectProblem(await request('/nest/teapot'), 400, 'bad_request');
  });

  it.each([
    ['an unknown error', '/boom', 500, 'hunter2'],
    ['a 5xx HttpException', '/nest-builtin/unavailable', 503, '10.0.0.5'],
  ])('answers %s with a generic internal_error and logs it once', async (_case, path, status, secret) => {
    const response = await request(path);
    const problem = expectProblem(response, status, 'internal_error');
    expect(problem.detail).toBe('An unexpected error occurred.');
    expect(response.body).not.toContain(secret);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      {
        err: expect.objectContaining({ message: expect.stringContaining(secret) }),
        method: 'GET',
        url: path,
      },
      'request failed',
    );
  });

  it('cuts the connection when the handler fails after the response started', async () => {
    // Either the headers or the body fail to arrive, depending on what left the socket before the cut.
    await expect(fetch(`${baseUrl}/half-sent`).then((response) => response.text())).rejects.toThrow();
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  describe('under arbitrary request bodies', () => {
    // Weighted towards JSON so that each outcome, success included, shows up in a run.
    const contentType = fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 4 },
      {
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'application/json; charset=utf-16le',
          'application/json; charset=latin1',
          'application/json; charset=bogus',
          'application/json;;',
          'application/merge-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
        ),
        weight: 2,
      },
      { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), weight: 1 },
      { arbitrary: fc.constant(undefined), weight: 1 },
    );
    const contentEncoding = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 4 },
      { arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), weight: 1 },
    );
    const encode = (text: string) => new TextEncoder().encode(text);
    const body = fc.oneof(
      fc
        .record({ name: fc.string({ minLength: 1 }), quantity: fc.integer({ min: 1 }) })
        .map((value) => encode(JSON.stringify(value))),
      fc
        .record({ name: fc.string(), quantity: fc.integer(), extra: fc.option(fc.jsonValue()) })
        .map((value) => encode(JSON.stringify(value))),
      fc.json().map(encode),
      fc.string().map(encode),
      fc.uint8Array({ maxLength: 3 * BODY_LIMIT_BYTES, size: 'max' }),
    );

    it('answers every request with either the created thing or a client-error problem', async () => {
      await fc.assert(
        fc.asyncProperty(contentType, contentEncoding, body, async (type, encoding, bytes) => {
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (encoding !== undefined) headers['content-encoding'] = encoding;
          const response = await postThing(bytes, headers);
          if (response.status === 201) {
            expect(thing.safeParse(JSON.parse(response.body).created).success).toBe(true);
            return;
          }
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          const { code } = JSON.parse(response.body);
          expect(Object.keys(PROBLEM_TYPES)).toContain(code);
          const problem = expectProblem(response, response.status, code);
          expect(problem.instance).toBe('/things');
        }),
        { numRuns: 300 },
      );
      expect(logger.error).not.toHaveBeenCalled();
      expect((await request('/things/1')).status).toBe(404);
    });
  });
});
