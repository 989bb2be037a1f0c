import { Controller, Param, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint, jsonBody } from '@smart-dairy/http-api';
import { parseBody } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import { actorOf } from '../http/actor';
import { RECOVERY_ROUTES as routes } from './recovery.routes';
import { RecoveryService } from './recovery.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class RecoveryController {
  constructor(private readonly recovery: RecoveryService) {}

  @Endpoint(routes.recover)
  recover(@Param('id') id: string, @Req() req: Request) {
    return this.recovery.recover(id, parseBody(routes.recover.body, jsonBody(req)), actorOf(req));
  }
}
