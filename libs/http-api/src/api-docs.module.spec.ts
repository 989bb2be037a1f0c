import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiDocsModule } from './api-docs.module';
import { openApiDocument } from './openapi';
import { routeTable } from './route-table';

const document = openApiDocument(
  { title: 'Things API', description: 'Things.' },
  { things: routeTable('Things', { list: { method: 'get', path: '/v1/things', summary: 'List things' } }) },
);

@Module({ imports: [ApiDocsModule.serve(document)] })
class ServiceModule {}

describe('ApiDocsModule', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(ServiceModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });
  afterAll(() => app.close());

  it('serves the document at /docs/openapi.json and lists its routes at /docs', async () => {
    expect(await (await fetch(`${baseUrl}/docs/openapi.json`)).json()).toEqual(document);
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<code>/v1/things</code>');
  });
});
