import { chaosBroker } from './chaos-broker';
import { chaosPostgres } from './chaos-postgres';
import { ChaosStack } from './chaos-stack';
import type { Ledger } from './ledger';
import { CHAOS_MODE, RUNS, expectSound, report, saveLogs, type Measurements } from './report';
import { badEndpoints } from './scenarios/bad-endpoints';
import { brokerOutage } from './scenarios/broker-outage';
import { crashes } from './scenarios/crashes';
import { limitedScaleOut } from './scenarios/limited-scale-out';
import { ordered } from './scenarios/ordered';
import { poisonInput } from './scenarios/poison-input';
import { postgresIdleCut, postgresPause, postgresRestart } from './scenarios/postgres-faults';
import { rollingRestart } from './scenarios/rolling-restart';
import { scaleOut } from './scenarios/scale-out';
import type { Scenario } from './scenarios/scenario';

jest.setTimeout(600_000);

/** The short form inside `npm test` covers crashes, the broker outage and poison input, at lower volume. */
const ALL: Scenario[] =
  CHAOS_MODE === 'full'
    ? [
        crashes,
        brokerOutage,
        postgresRestart,
        postgresPause,
        postgresIdleCut,
        rollingRestart,
        badEndpoints,
        poisonInput,
        scaleOut,
        limitedScaleOut,
        ordered,
      ]
    : [crashes, brokerOutage, poisonInput];

/** `CHAOS_ONLY=s3,s8` runs only the scenarios whose names start with these. */
const only = process.env.CHAOS_ONLY?.split(',').filter(Boolean);
const SCENARIOS = only ? ALL.filter((s) => only.some((prefix) => s.name.startsWith(`${prefix}-`))) : ALL;

/**
 * The real pipeline (producer → ingestion → dispatcher → endpoints) on a broker of its own, under load
 * and faults; each run's ledger must account for every published (event, subscription) pair.
 */
describe(`chaos (${CHAOS_MODE})`, () => {
  beforeAll(() => Promise.all([chaosBroker.start(), chaosPostgres.start()]));
  afterAll(() => Promise.all([chaosBroker.remove(), chaosPostgres.remove()]));

  describe.each(SCENARIOS)('$title', (scenario) => {
    it.each(RUNS)('run %i', async (run) => {
      const stack = await ChaosStack.start(scenario.stack);
      let measured: Measurements;
      let ledger: Ledger;
      try {
        measured = await scenario.run(stack);
        ledger = await stack.settle(scenario.settleMs);
        Object.assign(measured, scenario.afterSettle?.(stack));
      } finally {
        await stack.stop();
        saveLogs(scenario.name, run, stack.logs);
      }
      report(scenario.name, run, ledger, measured);
      expectSound(stack, ledger, { duplicates: scenario.duplicates });
      scenario.check?.(stack, ledger, measured);
    });
  });
});
