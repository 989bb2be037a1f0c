import type { RouteSpec } from '../http/endpoint';
import { StatsQuery, StatsView } from './stats.schemas';

const tag = 'Stats';

export const STATS_ROUTES = {
  all: {
    method: 'get',
    path: '/v1/stats',
    tag,
    summary: 'Delivery counts and success rate of every subscription over a window',
    scopes: ['read'],
    query: StatsQuery,
    status: 200,
    response: StatsView,
  },
  subscription: {
    method: 'get',
    path: '/v1/subscriptions/:id/stats',
    tag,
    summary: 'Delivery counts and success rate of one subscription over a window',
    scopes: ['read'],
    query: StatsQuery,
    status: 200,
    response: StatsView,
  },
} as const satisfies Record<string, RouteSpec>;
