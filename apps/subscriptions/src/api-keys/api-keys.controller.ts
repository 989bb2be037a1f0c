import { Controller, Param, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint, jsonBody } from '@smart-dairy/http-api';
import { parseBody } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { actorOf } from '../http/actor';
import { API_KEY_ROUTES as routes } from './api-key.routes';
import { ApiKeysService } from './api-keys.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Endpoint(routes.create)
  create(@Req() req: Request) {
    return this.apiKeys.create(parseBody(routes.create.body, jsonBody(req)), actorOf(req));
  }

  @Endpoint(routes.list)
  list() {
    return this.apiKeys.list();
  }

  @Endpoint(routes.revoke)
  revoke(@Param('id') id: string, @Req() req: Request) {
    return this.apiKeys.revoke(id, actorOf(req));
  }
}
