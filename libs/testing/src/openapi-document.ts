import { Global, Module, type INestApplication, type InjectionToken, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { PrismaService } from '@smart-dairy/db';
import { docsPage, type OpenApiDocument, type Operation } from '@smart-dairy/http-api';

interface ExpressRouter {
  router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
}

/**
 * The routes Nest registers with Express for these controllers, as `METHOD /path`. Their
 * dependencies are empty stand-ins: routing needs the controllers, not what they call.
 */
export async function registeredRoutes(controllers: Type[]): Promise<string[]> {
  const dependencies = controllers.flatMap(
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
    controllers,
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

export interface DocumentedApi {
  readonly document: OpenApiDocument;
  /** Every controller with /v1 routes. */
  readonly controllers: Type[];
  /** How many /v1 routes the API has, as its issue or README counts them. */
  readonly routes: number;
}

/**
 * What every API's OpenAPI document must hold: the required fields of OpenAPI 3.1, exactly the /v1
 * routes the controllers register, complete operations, and the /docs page listing them.
 */
export function describeOpenApiDocument({ document, controllers, routes }: DocumentedApi): void {
  const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
  );

  describe(`the OpenAPI document "${document.info.title}"`, () => {
    it('has the required fields of OpenAPI 3.1', () => {
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      expect(document.info.title).not.toBe('');
      expect(document.info.version).not.toBe('');
      expect(document.components.securitySchemes.apiKey).toEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
    });

    it(`documents exactly the ${routes} /v1 routes the Nest router exposes`, async () => {
      const routed = (await registeredRoutes(controllers)).filter((r) => r.includes(' /v1/'));
      const documented = operations.map(
        ({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      );
      expect(routed).toHaveLength(routes);
      expect([...documented].sort()).toEqual([...routed].sort());
    });

    it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.operation] as const))(
      '%s is a complete operation',
      (route: string, operation: Operation) => {
        expect(operation.operationId).toMatch(/^\w+\.\w+$/);
        expect(operation.summary).not.toBe('');
        const declared = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared).toEqual([...route.matchAll(/\{(\w+)\}/g)].map(([, name]) => name));
        const statuses = Object.keys(operation.responses).map(Number);
        expect(statuses.filter((s) => s >= 200 && s < 300)).toHaveLength(1);
        expect(statuses).toEqual(expect.arrayContaining([400, 401, 403, 429]));
        for (const response of Object.values(operation.responses)) expect(response.description).not.toBe('');
      },
    );

    it('uses unique operation ids and only references schemas it defines', () => {
      const ids = operations.map((o) => o.operation.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]*)"/g)].map(([, ref]) => `${ref}`);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
        expect(document.components.schemas).toHaveProperty(ref.slice('#/components/schemas/'.length));
      }
    });

    it('is listed route by route on the /docs page', () => {
      const html = docsPage(document);
      for (const { path } of operations) expect(html).toContain(path);
      expect(html).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
    });
  });
}
