import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from './logger';
import { readinessReport, runReadinessChecks, type ReadinessReport } from './readiness';
import { ReadinessFailureLog } from './readiness-failure-log';
import { LIVENESS_CHECKS, LOGGER, READINESS_CHECKS, type ReadinessCheck } from './tokens';

/** Runs the checks of /ready and /health: the answers name failing checks, the log says why they fail. */
@Injectable()
export class ReadinessService {
  private readonly failures: ReadinessFailureLog;
  private readonly readinessChecks: ReadinessCheck[];

  constructor(
    @Inject(READINESS_CHECKS) kitChecks: readonly ReadinessCheck[],
    @Inject(LIVENESS_CHECKS) private readonly livenessChecks: ReadinessCheck[],
    @Inject(LOGGER) logger: Logger,
  ) {
    this.readinessChecks = [...kitChecks];
    this.failures = new ReadinessFailureLog(logger);
  }

  /**
   * A check of the service's own, after Kafka and Postgres: a provider of the app adds it when its module
   * starts (`onModuleInit`), since the kit's module cannot see the app's providers.
   */
  addReadinessCheck(check: ReadinessCheck): void {
    this.readinessChecks.push(check);
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
