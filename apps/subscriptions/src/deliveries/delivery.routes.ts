import { routeTable } from '@smart-dairy/http-api';
import { EmptyBody } from '../http/fields';
import { DeliveryDetailView, DeliveryPage, DeliveryView, ListDeliveriesQuery } from './delivery.schemas';

export const DELIVERY_ROUTES = routeTable('Deliveries', {
  list: {
    method: 'get',
    path: '/v1/subscriptions/:id/deliveries',
    summary: "A subscription's delivery log, newest first",
    scopes: ['read'],
    query: ListDeliveriesQuery,
    response: DeliveryPage,
  },
  get: {
    method: 'get',
    path: '/v1/deliveries/:id',
    summary: 'A delivery with every attempt, and the earlier delivery of its key it waits for, if any',
    scopes: ['read'],
    response: DeliveryDetailView,
  },
  retry: {
    method: 'post',
    path: '/v1/deliveries/:id/retry',
    summary:
      'Send a delivery again now, as a new attempt of the same delivery id; for an ordered subscription, ' +
      'out of order',
    body: EmptyBody,
    status: 202,
    response: DeliveryView,
    problems: ['conflict'],
  },
});
