import { readinessReport, runReadinessChecks } from './readiness';

describe('readiness', () => {
  const ok = (name: string) => ({ name, check: async () => undefined });
  const failing = (name: string, message: string) => ({
    name,
    check: async () => {
      throw new Error(message);
    },
  });

  it('is ready when every check passes', async () => {
    const outcomes = await runReadinessChecks([ok('postgres'), ok('kafka')]);
    expect(readinessReport(outcomes)).toEqual({
      ready: true,
      checks: { postgres: { ok: true }, kafka: { ok: true } },
    });
  });

  it('names the failing check with a stable reason, keeping its error (host, user) out of the answer', async () => {
    const message = 'connect ECONNREFUSED 10.1.2.3:5432 as user smart_dairy';
    const outcomes = await runReadinessChecks([failing('postgres', message), ok('kafka')]);
    expect(outcomes).toEqual([
      { name: 'postgres', reason: 'unavailable', error: new Error(message) },
      { name: 'kafka', reason: 'unavailable' },
    ]);
    const report = readinessReport(outcomes);
    expect(report).toEqual({
      ready: false,
      checks: { postgres: { ok: false, reason: 'unavailable' }, kafka: { ok: true } },
    });
    expect(JSON.stringify(report)).not.toMatch(/10\.1\.2\.3|smart_dairy|ECONNREFUSED/);
  });

  it("says a check's own reason when it declares one", async () => {
    const stalled = { ...failing('kafka-consumers', 'stalled: group-a (events.order-0)'), reason: 'stalled' };
    expect(readinessReport(await runReadinessChecks([stalled])).checks).toEqual({
      'kafka-consumers': { ok: false, reason: 'stalled' },
    });
  });
});
