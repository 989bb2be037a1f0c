import { Controller, Get, Header } from '@nestjs/common';
import { docsPage } from './docs-page';
import { openApiDocument, type OpenApiDocument } from './openapi';

/** The API's own description, open like /health: it holds nothing that is not in this repository. */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();
  private readonly html = docsPage(this.document);

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
