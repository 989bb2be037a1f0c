import { openApiDocument, type OpenApiDocument } from '@smart-dairy/http-api';
import { EVENT_ROUTES } from './event.routes';

/** The OpenAPI document of every /v1 route, served at /docs/openapi.json. */
export function ingestionApiDocument(): OpenApiDocument {
  return openApiDocument(
    {
      title: 'Smart Dairy Webhooks: ingestion API',
      description:
        'Publishing events over HTTP, for producer services that cannot speak Kafka: each event is ' +
        'validated against the catalog like one on events.<category>. Every error is ' +
        'application/problem+json with a stable `code`.',
    },
    { events: EVENT_ROUTES },
  );
}
