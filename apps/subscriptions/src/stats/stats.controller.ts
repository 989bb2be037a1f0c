import { Controller, Param, Query, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint } from '@smart-dairy/http-api';
import { parseQuery } from '@smart-dairy/http-problem';
import { STATS_ROUTES as routes } from './stats.routes';
import { StatsService } from './stats.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Endpoint(routes.all)
  all(@Query() query: unknown) {
    return this.stats.stats(parseQuery(routes.all.query, query));
  }

  @Endpoint(routes.subscription)
  subscription(@Param('id') id: string, @Query() query: unknown) {
    return this.stats.stats(parseQuery(routes.subscription.query, query), id);
  }
}
