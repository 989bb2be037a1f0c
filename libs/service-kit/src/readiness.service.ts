import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from './logger';
import { readinessReport, runReadinessChecks, type ReadinessReport } from './readiness';
import { ReadinessFailureLog } from './readiness-failure-log';
import { LIVENESS_CHECKS, LOGGER, READINESS_CHECKS, type ReadinessCheck } from './tokens';

/** Runs the checks of /ready and /health: the answers name failing checks, the log says why they fail. */
@Injectable()
export class ReadinessService {
  private readonly failures: ReadinessFailureLog;

  constructor(
    @Inject(READINESS_CHECKS) private readonly readinessChecks: ReadinessCheck[],
    @Inject(LIVENESS_CHECKS) private readonly livenessChecks: ReadinessCheck[],
    @Inject(LOGGER) logger: Logger,
  ) {
    this.failures = new ReadinessFailureLog(logger);
  }

  readiness(): Promise<ReadinessReport> {
    return this.run(this.readinessChecks);
  }

  liveness(): Promise<ReadinessReport> {
    return this.run(this.livenessChecks);
  }

  private async run(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
    const outcomes = await runReadinessChecks(checks);
    for (const { name, error } of outcomes) this.failures.record(name, error);
    return readinessReport(outcomes);
  }
}
