import type { RouteSpec } from '../http/endpoint';
import { EmptyBody } from '../http/fields';
import { DeliveryDetailView, DeliveryPage, DeliveryView, ListDeliveriesQuery } from './delivery.schemas';

const tag = 'Deliveries';

export const DELIVERY_ROUTES = {
  list: {
    method: 'get',
    path: '/v1/subscriptions/:id/deliveries',
    tag,
    summary: "A subscription's delivery log, newest first",
    scopes: ['read'],
    query: ListDeliveriesQuery,
    status: 200,
    response: DeliveryPage,
  },
  get: {
    method: 'get',
    path: '/v1/deliveries/:id',
    tag,
    summary: 'A delivery with every attempt',
    scopes: ['read'],
    status: 200,
    response: DeliveryDetailView,
  },
  retry: {
    method: 'post',
    path: '/v1/deliveries/:id/retry',
    tag,
    summary: 'Send a delivery again now, as a new attempt of the same delivery id',
    scopes: [],
    body: EmptyBody,
    status: 202,
    response: DeliveryView,
    problems: ['conflict'],
  },
} as const satisfies Record<string, RouteSpec>;
