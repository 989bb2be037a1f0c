import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HealthEndpoints } from './health-endpoints';

/** The health endpoints on the service port, where no MANAGEMENT_PORT is configured. */
@Controller()
export class HealthController {
  constructor(private readonly endpoints: HealthEndpoints) {}

  @Get(['health', 'ready', 'metrics'])
  async serve(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.endpoints.answer(req.path);
    if (!answer) throw new Error(`no health endpoint ${req.path}`);
    res.status(answer.status).set('Cache-Control', 'no-store').type(answer.contentType).send(answer.body);
  }
}
