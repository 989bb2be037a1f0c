import { Controller, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint, jsonBody } from '@smart-dairy/http-api';
import { parseBody, parseQuery } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { actorOf } from '../http/actor';
import { DELIVERY_ROUTES as routes } from './delivery.routes';
import { DeliveriesService } from './deliveries.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Endpoint(routes.list)
  list(@Param('id') subscriptionId: string, @Query() query: unknown) {
    return this.deliveries.list(subscriptionId, parseQuery(routes.list.query, query));
  }

  @Endpoint(routes.get)
  get(@Param('id') id: string) {
    return this.deliveries.get(id);
  }

  @Endpoint(routes.retry)
  retry(@Param('id') id: string, @Req() req: Request) {
    parseBody(routes.retry.body, jsonBody(req));
    return this.deliveries.retry(id, actorOf(req));
  }
}
