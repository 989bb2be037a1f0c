import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { runReadinessChecks } from './readiness';
import { LIVENESS_CHECKS, READINESS_CHECKS, type ReadinessCheck } from './tokens';

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(LIVENESS_CHECKS) private readonly livenessChecks: ReadinessCheck[],
    private readonly registry: Registry,
  ) {}

  /**
   * Liveness: the process answers and is not stuck (a consumer holding input without progress).
   * Dependencies are /ready's business: a restart does not bring a database back.
   */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const report = await runReadinessChecks(this.livenessChecks);
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ok' : 'stuck', checks: report.checks });
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await runReadinessChecks(this.checks);
    res.status(report.ready ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
