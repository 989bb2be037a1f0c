import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { ChaosStack } from '../chaos-stack';
import type { Measurements } from '../report';
import { readyAgainAt, STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

const DURATION_MS = 45_000;
const RESTART_AT_MS = 10_000;
const RECOVERY_BUDGET_MS = 30_000;

/**
 * Scenario 3: the machine's Postgres server restarts under load (full suite only: it is shared with
 * everything else on the machine). The services are not restarted and must recover within 30 s of the
 * server being back: /ready green again and events published after it delivered.
 */
export const postgresRestart: Scenario = {
  name: 's3-postgres-restart',
  title: 'scenario 3: Postgres restarts under load',
  stack: { label: 'pg', endpoints: STANDARD_ENDPOINTS },
  settleMs: 150_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const { start, load } = standardLoad(stack, DURATION_MS);
    await until(start, RESTART_AT_MS);
    const restarting = Date.now();
    await restartPostgres();
    const up = Date.now();
    const measured: Measurements = { 'postgres-restart-ms': up - restarting };
    await Promise.all(
      stack.services.map(async (s) => (measured[`${s.name}-ready-again-ms`] = (await readyAgainAt(s)) - up)),
    );
    measured['first-new-event-delivery-ms'] = (await stack.firstDeliveryOfEventAfter(up)) - up;
    await load;
    return measured;
  },
  check(_stack, _ledger, measured) {
    const slow = Object.entries(measured).filter(
      ([name, ms]) => name !== 'postgres-restart-ms' && ms > RECOVERY_BUDGET_MS,
    );
    expect(slow).toEqual([]);
  },
};

function restartPostgres(): Promise<void> {
  const [version] = readdirSync('/etc/postgresql');
  if (!version) throw new Error('no cluster under /etc/postgresql');
  const child = spawn('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`pg_ctlcluster exited with ${code}`)),
    );
  });
}
