import { openApiDocument, type OpenApiDocument } from '@smart-dairy/http-api';
import { API_KEY_ROUTES } from '../api-keys/api-key.routes';
import { EVENT_TYPE_ROUTES } from '../catalog/event-types';
import { DELIVERY_ROUTES } from '../deliveries/delivery.routes';
import { RECOVERY_ROUTES } from '../recovery/recovery.routes';
import { STATS_ROUTES } from '../stats/stats.routes';
import { SUBSCRIPTION_ROUTES } from '../subscriptions/subscription.routes';

/** The OpenAPI document of every /v1 route, served at /docs/openapi.json. */
export function subscriptionsApiDocument(): OpenApiDocument {
  return openApiDocument(
    {
      title: 'Smart Dairy Webhooks: subscriptions API',
      description:
        'Subscriptions, their signing secrets, the delivery log, stats and API keys. Every error is ' +
        'application/problem+json with a stable `code`.',
    },
    {
      apiKeys: API_KEY_ROUTES,
      subscriptions: SUBSCRIPTION_ROUTES,
      deliveries: DELIVERY_ROUTES,
      recovery: RECOVERY_ROUTES,
      stats: STATS_ROUTES,
      eventTypes: EVENT_TYPE_ROUTES,
    },
  );
}
