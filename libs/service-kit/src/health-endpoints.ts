import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { ReadinessService } from './readiness.service';

export interface EndpointAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const json = (status: number, value: unknown): EndpointAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});

/**
 * /health, /ready and /metrics, whichever listener serves them: the service port, or the
 * management port (MANAGEMENT_PORT) that only monitoring may reach.
 */
@Injectable()
export class HealthEndpoints {
  static readonly PATHS = ['/health', '/ready', '/metrics'] as const;

  constructor(
    private readonly checks: ReadinessService,
    private readonly registry: Registry,
  ) {
    // What /ready would answer now, for alerts on a replica that runs but cannot work. Evaluated per scrape
    // like a probe: the checks are a `SELECT 1` and a cluster description, nothing that grows with the data.
    new Gauge({
      name: 'service_ready',
      help: '1 while every readiness check of /ready passes, 0 otherwise',
      registers: [registry],
      async collect() {
        this.set((await checks.readiness()).ready ? 1 : 0);
      },
    });
  }

  async answer(path: string): Promise<EndpointAnswer | undefined> {
    switch (path) {
      // Liveness: the process answers and is not stuck (a consumer holding input without progress).
      // Dependencies are /ready's business: a restart does not bring a database back.
      case '/health': {
        const report = await this.checks.liveness();
        return json(report.ready ? 200 : 503, {
          status: report.ready ? 'ok' : 'stuck',
          checks: report.checks,
        });
      }
      case '/ready': {
        const report = await this.checks.readiness();
        return json(report.ready ? 200 : 503, report);
      }
      case '/metrics':
        return { status: 200, contentType: this.registry.contentType, body: await this.registry.metrics() };
      default:
        return undefined;
    }
  }
}
