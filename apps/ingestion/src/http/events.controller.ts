import { Controller, Headers, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequireScope, authenticatedKey } from '@smart-dairy/api-auth';
import { ApiKeyScope } from '@smart-dairy/db';
import { ProblemError } from '@smart-dairy/http-problem';
import type { Request, Response } from 'express';
import { HttpEventIntake } from './http-event-intake';

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly intake: HttpEventIntake) {}

  @Post()
  @RequireScope(ApiKeyScope.producer)
  async publish(
    @Req() req: Request & { rawBody?: Buffer },
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    if (!req.is('application/json') || !req.rawBody) {
      throw new ProblemError('unsupported_media_type', 'Send the event as application/json.');
    }
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    ) {
      throw new ProblemError(
        'bad_request',
        `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      );
    }
    const { status, body } = await this.intake.accept(req.rawBody, authenticatedKey(req), idempotencyKey);
    res.status(status).json(body);
  }
}
