import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { docsPage } from './docs-page';
import type { OpenApiDocument } from './openapi';

const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

/** The API's own description, open like /health: it holds nothing that is not in this repository. */
@Controller('docs')
class DocsController {
  private readonly html: string;

  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: OpenApiDocument) {
    this.html = docsPage(document);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return this.html;
  }

  @Get('openapi.json')
  openapi(): OpenApiDocument {
    return this.document;
  }
}

@Module({})
export class ApiDocsModule {
  /** Serves the document at /docs/openapi.json and a page listing its routes at /docs. */
  static serve(document: OpenApiDocument): DynamicModule {
    return {
      module: ApiDocsModule,
      controllers: [DocsController],
      providers: [{ provide: OPENAPI_DOCUMENT, useValue: document }],
    };
  }
}
