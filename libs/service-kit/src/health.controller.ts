import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { ReadinessService } from './readiness.service';

@Controller()
export class HealthController {
  constructor(
    private readonly checks: ReadinessService,
    private readonly registry: Registry,
  ) {}

  /**
   * Liveness: the process answers and is not stuck (a consumer holding input without progress).
   * Dependencies are /ready's business: a restart does not bring a database back.
   */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const report = await this.checks.liveness();
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ok' : 'stuck', checks: report.checks });
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.checks.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
