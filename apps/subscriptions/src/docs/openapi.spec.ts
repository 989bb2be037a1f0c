import { Global, Module, type INestApplication, type InjectionToken } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { PrismaService } from '@smart-dairy/db';
import { CONTROLLERS } from '../subscriptions.module';
import { docsPage } from './docs-page';
import { openApiDocument, type Operation } from './openapi';

interface ExpressRouter {
  router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
}

/** The routes Nest actually registers with Express for the app's controllers, as `METHOD /path`. */
async function registeredRoutes(): Promise<string[]> {
  const dependencies = CONTROLLERS.flatMap(
    (controller) => (Reflect.getMetadata('design:paramtypes', controller) ?? []) as InjectionToken[],
  );
  @Global()
  @Module({ providers: [{ provide: PrismaService, useValue: {} }], exports: [PrismaService] })
  class NoDatabase {}
  @Module({
    imports: [
      NoDatabase,
      ApiAuthModule.forRoot({
        rateLimit: { perSecond: 1, burst: 1 },
        failedAuthLimit: { burst: 1, perMinute: 1, maxAddresses: 1 },
      }),
    ],
    controllers: CONTROLLERS,
    providers: dependencies.map((provide) => ({ provide, useValue: {} })),
  })
  class RoutesOnly {}
  const app: INestApplication = await NestFactory.create(RoutesOnly, { logger: false, abortOnError: false });
  await app.init();
  const express = app.getHttpAdapter().getInstance() as ExpressRouter;
  const routes = express.router.stack.flatMap(({ route }) =>
    route ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path}`) : [],
  );
  await app.close();
  return routes;
}

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
);

describe('the OpenAPI document', () => {
  it('has the required fields of OpenAPI 3.1', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).not.toBe('');
    expect(document.info.version).not.toBe('');
    expect(document.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('documents exactly the /v1 routes the Nest router exposes', async () => {
    const routed = (await registeredRoutes()).filter((r) => r.includes(' /v1/'));
    const documented = operations.map(
      ({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
    );
    // The issue lists 19: 3 for API keys, 10 for subscriptions, 3 for deliveries, 2 for stats, 1 for the catalog.
    expect(routed).toHaveLength(19);
    expect([...documented].sort()).toEqual([...routed].sort());
  });

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.operation] as const))(
    '%s is a complete operation',
    (_route: string, operation: Operation) => {
      expect(operation.operationId).toMatch(/^\w+\.\w+$/);
      expect(operation.summary).not.toBe('');
      const declared = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared).toEqual([..._route.matchAll(/\{(\w+)\}/g)].map(([, name]) => name));
      const statuses = Object.keys(operation.responses).map(Number);
      expect(statuses.filter((s) => s >= 200 && s < 300)).toHaveLength(1);
      expect(statuses).toEqual(expect.arrayContaining([400, 401, 403, 429]));
      for (const response of Object.values(operation.responses)) expect(response.description).not.toBe('');
    },
  );

  it('uses unique operation ids and only references schemas it defines', () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      ([, n]) => n,
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(document.components.schemas).toHaveProperty(name as string);
  });

  it('documents the request and response schemas from the zod schemas that validate them', () => {
    const create = document.paths['/v1/subscriptions']?.post;
    const body = create?.requestBody?.content['application/json'].schema as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(body.required).toEqual(expect.arrayContaining(['url', 'events']));
    expect(body.additionalProperties).toBe(false);
    expect(create?.responses[201]?.content?.['application/json']?.schema).toEqual(
      expect.objectContaining({ required: expect.arrayContaining(['id', 'secret']) }),
    );
    const list = document.paths['/v1/subscriptions/{id}/deliveries']?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['id', 'status', 'event_type', 'since', 'until', 'limit', 'cursor']),
    );
    // A body whose fields are all optional may be left out.
    expect(document.paths['/v1/subscriptions/{id}/rotate-secret']?.post?.requestBody?.required).toBe(false);
  });

  it('is listed route by route on the /docs page', () => {
    const html = docsPage(document);
    for (const { path } of operations) expect(html).toContain(path);
    expect(html).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
  });
});
