import { openApiDocument, type OpenApiDocument } from '@smart-dairy/http-api';
import { DLQ_ROUTES } from './dlq.routes';

/** The OpenAPI document of every /v1 route, served at /docs/openapi.json. */
export function dlqReviewApiDocument(): OpenApiDocument {
  return openApiDocument(
    {
      title: 'Smart Dairy Webhooks: dead letter queue API',
      description:
        'Reviewing, replaying and archiving deliveries that ended without success. Every error is ' +
        'application/problem+json with a stable `code`.',
    },
    { dlq: DLQ_ROUTES },
  );
}
