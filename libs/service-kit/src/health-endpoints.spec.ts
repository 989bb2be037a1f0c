import { Registry } from 'prom-client';
import { HealthEndpoints } from './health-endpoints';
import { createLogger } from './logger';
import { ReadinessService } from './readiness.service';

describe('service_ready on /metrics', () => {
  it('follows what /ready answers, at each scrape', async () => {
    let postgresUp = true;
    const postgres = {
      name: 'postgres',
      check: async () => {
        if (!postgresUp) throw new Error('connection refused');
      },
    };
    const readiness = new ReadinessService([postgres], [], createLogger('test', 'silent'));
    const endpoints = new HealthEndpoints(readiness, new Registry());
    const scrape = async () => (await endpoints.answer('/metrics'))?.body ?? '';

    expect(await scrape()).toMatch(/^service_ready 1$/m);
    postgresUp = false;
    expect(await scrape()).toMatch(/^service_ready 0$/m);
    expect((await endpoints.answer('/ready'))?.status).toBe(503);
    postgresUp = true;
    expect(await scrape()).toMatch(/^service_ready 1$/m);
  });
});
