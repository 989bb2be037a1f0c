import { runReadinessChecks } from './readiness';

describe('runReadinessChecks', () => {
  const ok = (name: string) => ({ name, check: async () => undefined });
  const failing = (name: string, message: string) => ({
    name,
    check: async () => {
      throw new Error(message);
    },
  });

  it('is ready when every check passes', async () => {
    await expect(runReadinessChecks([ok('postgres'), ok('kafka')])).resolves.toEqual({
      ready: true,
      checks: { postgres: { ok: true }, kafka: { ok: true } },
    });
  });

  it('is not ready when any check fails, and says which and why', async () => {
    const report = await runReadinessChecks([ok('postgres'), failing('kafka', 'broker down')]);
    expect(report.ready).toBe(false);
    expect(report.checks.kafka).toEqual({ ok: false, error: 'broker down' });
    expect(report.checks.postgres).toEqual({ ok: true });
  });
});
