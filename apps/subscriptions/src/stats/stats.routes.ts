import { routeTable } from '@smart-dairy/http-api';
import { StatsQuery, StatsView } from './stats.schemas';

/** Both routes answer the same question, over every subscription or over one. */
const stats = { method: 'get', scopes: ['read'], query: StatsQuery, response: StatsView } as const;

export const STATS_ROUTES = routeTable('Stats', {
  all: {
    ...stats,
    path: '/v1/stats',
    summary: 'Delivery counts and success rate of every subscription over a window',
  },
  subscription: {
    ...stats,
    path: '/v1/subscriptions/:id/stats',
    summary: 'Delivery counts and success rate of one subscription over a window',
  },
});
