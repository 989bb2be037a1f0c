export { ApiDocsModule } from './api-docs.module';
export { docsPage } from './docs-page';
export { Endpoint } from './endpoint';
export { jsonBody } from './json-body';
export {
  openApiDocument,
  type ApiInfo,
  type OpenApiDocument,
  type Operation,
  type RouteGroups,
} from './openapi';
export { Reply } from './reply';
export { routeTable, type HttpMethod, type RouteEntry, type RouteSpec } from './route-table';
