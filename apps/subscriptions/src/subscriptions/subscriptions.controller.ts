import { Controller, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint, jsonBody } from '@smart-dairy/http-api';
import { parseBody, parseQuery } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { actorOf } from '../http/actor';
import { SUBSCRIPTION_ROUTES as routes } from './subscription.routes';
import { SubscriptionsService } from './subscriptions.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Endpoint(routes.create)
  create(@Req() req: Request) {
    return this.subscriptions.create(parseBody(routes.create.body, jsonBody(req)), actorOf(req));
  }

  @Endpoint(routes.list)
  list(@Query() query: unknown) {
    return this.subscriptions.list(parseQuery(routes.list.query, query));
  }

  @Endpoint(routes.get)
  get(@Param('id') id: string) {
    return this.subscriptions.get(id);
  }

  @Endpoint(routes.update)
  update(@Param('id') id: string, @Req() req: Request) {
    return this.subscriptions.update(id, parseBody(routes.update.body, jsonBody(req)), actorOf(req));
  }

  @Endpoint(routes.remove)
  remove(@Param('id') id: string, @Req() req: Request) {
    return this.subscriptions.remove(id, actorOf(req));
  }

  @Endpoint(routes.disable)
  disable(@Param('id') id: string, @Req() req: Request) {
    const { reason } = parseBody(routes.disable.body, jsonBody(req));
    return this.subscriptions.disable(id, reason, actorOf(req));
  }

  @Endpoint(routes.enable)
  enable(@Param('id') id: string, @Req() req: Request) {
    return this.subscriptions.enable(id, parseBody(routes.enable.body, jsonBody(req)), actorOf(req));
  }

  @Endpoint(routes.secret)
  secret(@Param('id') id: string, @Req() req: Request) {
    return this.subscriptions.secret(id, actorOf(req));
  }

  @Endpoint(routes.rotateSecret)
  rotateSecret(@Param('id') id: string, @Req() req: Request) {
    const { grace_period_seconds } = parseBody(routes.rotateSecret.body, jsonBody(req));
    return this.subscriptions.rotateSecret(id, grace_period_seconds, actorOf(req));
  }

  @Endpoint(routes.test)
  test(@Param('id') id: string, @Req() req: Request) {
    const { event } = parseBody(routes.test.body, jsonBody(req));
    return this.subscriptions.sendTest(id, event, actorOf(req));
  }

  @Endpoint(routes.filterTest)
  filterTest(@Param('id') id: string, @Req() req: Request) {
    return this.subscriptions.testFilter(id, parseBody(routes.filterTest.body, jsonBody(req)));
  }
}
