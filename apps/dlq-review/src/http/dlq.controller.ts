import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequireScope, authenticatedKey } from '@smart-dairy/api-auth';
import { ApiKeyScope } from '@smart-dairy/db';
import { parseBody, parseQuery } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { EntryQueries, type EntryPage } from '../entries/entry-queries';
import type { EntryDetail, EntrySummary } from '../entries/entry-view';
import { ReviewActions } from '../review/review-actions';
import { bulkSelectionSchema, listQuerySchema } from './dlq-requests';

/** The review API: reads for `read` keys, replays and archives for `admin` keys only. */
@Controller('v1/dlq')
@UseGuards(ApiKeyGuard)
export class DlqController {
  constructor(
    private readonly queries: EntryQueries,
    private readonly actions: ReviewActions,
  ) {}

  @Get()
  @RequireScope(ApiKeyScope.read)
  list(@Query() query: unknown): Promise<EntryPage> {
    return this.queries.list(parseQuery(listQuerySchema, query));
  }

  @Post('replay')
  @HttpCode(202)
  replayMany(@Body() body: unknown, @Req() request: Request) {
    return this.actions.replayMany(parseBody(bulkSelectionSchema, body), authenticatedKey(request));
  }

  @Post('archive')
  @HttpCode(200)
  archiveMany(@Body() body: unknown, @Req() request: Request) {
    return this.actions.archiveMany(parseBody(bulkSelectionSchema, body), authenticatedKey(request));
  }

  @Get(':id')
  @RequireScope(ApiKeyScope.read)
  get(@Param('id') id: string): Promise<EntryDetail> {
    return this.queries.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  replay(@Param('id') id: string, @Req() request: Request): Promise<EntrySummary> {
    return this.actions.replayOne(id, authenticatedKey(request));
  }

  @Post(':id/archive')
  @HttpCode(200)
  archive(@Param('id') id: string, @Req() request: Request): Promise<EntrySummary> {
    return this.actions.archiveOne(id, authenticatedKey(request));
  }
}
