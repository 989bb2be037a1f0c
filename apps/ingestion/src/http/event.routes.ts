import { routeTable } from '@smart-dairy/http-api';
import { AcceptedEventView, PublishBody, PublishHeaders } from './event.schemas';

export const EVENT_ROUTES = routeTable('Events', {
  publish: {
    method: 'post',
    path: '/v1/events',
    summary:
      'Publish one event, answered once Kafka has it; a repeated Idempotency-Key gets the first answer',
    scopes: ['producer'],
    headers: PublishHeaders,
    body: PublishBody,
    status: 202,
    response: AcceptedEventView,
    problems: ['bad_request', 'conflict'],
  },
});
