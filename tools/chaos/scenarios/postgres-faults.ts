import type { ChaosStack } from '../chaos-stack';
import { chaosPostgres } from '../chaos-postgres';
import type { Measurements } from '../report';
import { waitFor } from '@smart-dairy/stack';
import { sleep } from '../util';
import { readyAgainAt, STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

/** Once Postgres answers again, an event published then is delivered within this. */
const DELIVERY_BUDGET_MS = 5_000;
/** /ready may take longer: its probe waits for a pool connection first. */
const READY_BUDGET_MS = 30_000;
/**
 * After a 20 s hang, 20 s of load (about 8,000 deliveries) wait ahead of any new event in the same
 * partitions: how soon a new event arrives is the backlog's drain time, a throughput figure. There the
 * 5 s budget is for deliveries to flow again; the new event gets this.
 */
const BACKLOG_BUDGET_MS = 30_000;

/**
 * What the services must show after each fault: /ready again, and an event published after Postgres came
 * back delivered; each as ms after `back`, under `label`.
 */
async function recovery(stack: ChaosStack, back: number, label: string): Promise<Measurements> {
  const measured: Measurements = {};
  await Promise.all(
    stack.services.map(
      async (s) => (measured[`${label}-${s.name}-ready-ms`] = (await readyAgainAt(s)) - back),
    ),
  );
  measured[`${label}-delivery-ms`] = (await stack.firstDeliveryOfEventAfter(back)) - back;
  return measured;
}

/** Every recovery within its budget; the check prints the ones that were not. */
function checkBudgets(measured: Measurements): void {
  const budget = (name: string) =>
    name.endsWith('-delivery-ms') || name.endsWith('-flowing-ms')
      ? DELIVERY_BUDGET_MS
      : name.endsWith('-ready-ms')
        ? READY_BUDGET_MS
        : name.endsWith('-new-event-ms')
          ? BACKLOG_BUDGET_MS
          : Infinity;
  expect(Object.entries(measured).filter(([name, ms]) => ms > budget(name))).toEqual([]);
}

/** When the receiver next got any delivery at or after `since`. */
function deliveriesFlowingAt(stack: ChaosStack, since: number): Promise<number> {
  return waitFor(() => stack.receiver.received.find((r) => r.receivedAt >= since)?.receivedAt, {
    timeoutMs: 120_000,
    intervalMs: 50,
    description: 'deliveries to flow again',
  });
}

/**
 * Scenario 3: the stack's Postgres (the chaos suite's own server) restarts three times under load, early,
 * midway and late, so the restart meets the services at different moments of their batches.
 */
export const postgresRestart: Scenario = {
  name: 's3-postgres-restart',
  title: 'scenario 3: Postgres restarts three times under load',
  stack: { label: 'pg', endpoints: STANDARD_ENDPOINTS },
  settleMs: 150_000,
  async run(stack) {
    const { start, load } = standardLoad(stack, 60_000);
    const measured: Measurements = {};
    for (const [i, at] of [5_000, 22_000, 39_000].entries()) {
      await until(start, at + Math.round(Math.random() * 3_000));
      const restarting = Date.now();
      await chaosPostgres.restart();
      const back = Date.now();
      measured[`restart${i + 1}-ms`] = back - restarting;
      Object.assign(measured, await recovery(stack, back, `restart${i + 1}`));
    }
    await load;
    return measured;
  },
  check: (_stack, _ledger, measured) => checkBudgets(measured),
};

/** Scenario 8: Postgres stops answering (every server process SIGSTOPped) for 20 s under load, then resumes. */
export const postgresPause: Scenario = {
  name: 's8-postgres-pause',
  title: 'scenario 8: Postgres hangs for 20 s under load',
  stack: { label: 'pgstop', endpoints: STANDARD_ENDPOINTS },
  settleMs: 150_000,
  async run(stack) {
    const { start, load } = standardLoad(stack, 45_000);
    await until(start, 8_000 + Math.round(Math.random() * 4_000));
    chaosPostgres.pause();
    try {
      await sleep(20_000);
    } finally {
      chaosPostgres.resume();
    }
    const back = Date.now();
    const measured: Measurements = { 'resume-flowing-ms': (await deliveriesFlowingAt(stack, back)) - back };
    for (const [name, ms] of Object.entries(await recovery(stack, back, 'resume')))
      measured[name.replace(/-delivery-ms$/, '-new-event-ms')] = ms;
    await load;
    return measured;
  },
  check: (_stack, _ledger, measured) => checkBudgets(measured),
};

/**
 * Scenario 9: while the services are idle, the server ends every session of their database (an idle
 * timeout, a DBA, a proxy recycling connections); then the load comes, and must flow as if nothing happened.
 */
export const postgresIdleCut: Scenario = {
  name: 's9-postgres-idle-cut',
  title: 'scenario 9: Postgres ends idle connections, then load arrives',
  stack: { label: 'pgcut', endpoints: STANDARD_ENDPOINTS },
  settleMs: 120_000,
  async run(stack) {
    const measured: Measurements = {};
    for (let round = 1; round <= 3; round += 1) {
      // Idle long enough for the pools to hold only idle connections.
      await sleep(3_000);
      measured[`cut${round}-sessions`] = await chaosPostgres.terminateSessions(stack.databaseName);
      const back = Date.now();
      const { load } = standardLoad(stack, 8_000, `cut${round}-`);
      Object.assign(measured, await recovery(stack, back, `cut${round}`));
      await load;
    }
    return measured;
  },
  check(_stack, _ledger, measured) {
    checkBudgets(measured);
    // The cut found the services' pooled connections to end: otherwise the scenario tested nothing.
    expect(measured['cut1-sessions']).toBeGreaterThan(0);
  },
};
