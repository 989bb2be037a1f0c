import { Controller, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, authenticatedKey } from '@smart-dairy/api-auth';
import { Endpoint, jsonBody } from '@smart-dairy/http-api';
import { parseBody, parseQuery } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { EntryQueries } from '../entries/entry-queries';
import { ReviewActions } from '../review/review-actions';
import { DLQ_ROUTES as routes } from './dlq.routes';

@Controller()
@UseGuards(ApiKeyGuard)
export class DlqController {
  constructor(
    private readonly queries: EntryQueries,
    private readonly actions: ReviewActions,
  ) {}

  @Endpoint(routes.list)
  list(@Query() query: unknown) {
    return this.queries.list(parseQuery(routes.list.query, query));
  }

  @Endpoint(routes.replayMany)
  replayMany(@Req() req: Request) {
    return this.actions.replayMany(parseBody(routes.replayMany.body, jsonBody(req)), authenticatedKey(req));
  }

  @Endpoint(routes.archiveMany)
  archiveMany(@Req() req: Request) {
    return this.actions.archiveMany(parseBody(routes.archiveMany.body, jsonBody(req)), authenticatedKey(req));
  }

  @Endpoint(routes.get)
  get(@Param('id') id: string) {
    return this.queries.get(id);
  }

  @Endpoint(routes.replay)
  replay(@Param('id') id: string, @Req() req: Request) {
    return this.actions.replayOne(id, authenticatedKey(req));
  }

  @Endpoint(routes.archive)
  archive(@Param('id') id: string, @Req() req: Request) {
    return this.actions.archiveOne(id, authenticatedKey(req));
  }
}
