import { Controller, Headers, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, authenticatedKey } from '@smart-dairy/api-auth';
import { Endpoint } from '@smart-dairy/http-api';
import { ProblemError } from '@smart-dairy/http-problem';
import { traceContextFrom } from '@smart-dairy/tracing';
import type { Request } from 'express';
import { EVENT_ROUTES as routes } from './event.routes';
import { IDEMPOTENCY_KEY_PROBLEM } from './event.schemas';
import { HttpEventIntake } from './http-event-intake';

@Controller()
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly intake: HttpEventIntake) {}

  // The intake validates the exact bytes it hashes for idempotency, so the body is not parsed here.
  @Endpoint(routes.publish)
  publish(@Req() req: Request & { rawBody?: Buffer }, @Headers() headers: unknown) {
    if (!req.is('application/json') || !req.rawBody) {
      throw new ProblemError('unsupported_media_type', 'Send the event as application/json.');
    }
    const parsed = routes.publish.headers.safeParse(headers);
    if (!parsed.success) throw new ProblemError('bad_request', IDEMPOTENCY_KEY_PROBLEM);
    return this.intake.accept(
      req.rawBody,
      authenticatedKey(req),
      parsed.data['idempotency-key'],
      // A producer that traces its own work continues its trace through the platform.
      traceContextFrom(req.headers),
    );
  }
}
