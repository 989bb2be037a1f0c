import type { ServiceName } from '@smart-dairy/stack';
import type { ChaosStack } from '../chaos-stack';
import { sleep } from '../util';
import { CHAOS_MODE, type Measurements } from '../report';
import { restartPause, STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

const DURATION_MS = CHAOS_MODE === 'full' ? 150_000 : 110_000;
/** Per service: how many kills, the first one when (ms after the load starts). */
const KILLS: { name: ServiceName; times: number; firstAtMs: number }[] = [
  { name: 'dispatcher', times: 3, firstAtMs: 4_000 },
  { name: 'ingestion', times: 2, firstAtMs: 10_000 },
];
/** Work between a restarted service being ready and its next kill. */
const WORK_MS = 5_000;

/**
 * Scenario 1: SIGKILL under load, the dispatcher three times and ingestion twice, each restarted after a
 * second or two and killed again once it has worked a while. A killed dispatcher may have sent deliveries
 * it never recorded (they come again: duplicates, same id); a killed ingestion re-reads uncommitted events
 * (same ids, no new deliveries). A restarted consumer only gets partitions once the group has dropped the
 * dead member (its session timeout), which is most of each recovery time. Measured per kill: restart to
 * /ready, and kill to the first delivery after it (dispatcher) or to the first delivery of an event
 * published after it (ingestion).
 */
export const crashes: Scenario = {
  name: 's1-sigkill',
  title: 'scenario 1: SIGKILL the dispatcher three times and ingestion twice under load',
  stack: { label: 'kill', endpoints: STANDARD_ENDPOINTS },
  settleMs: 150_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const { start, load } = standardLoad(stack, DURATION_MS);
    const measured: Measurements = {};
    await Promise.all(
      KILLS.map(async ({ name, times, firstAtMs }) => {
        await until(start, firstAtMs);
        for (let n = 1; n <= times; n++) {
          const service = name === 'ingestion' ? stack.ingestion : stack.dispatcher();
          const killedAt = Date.now();
          const { readyMs } = await stack.restart(service, 'SIGKILL', restartPause());
          measured[`${name}${n}-restart-to-ready-ms`] = readyMs;
          // Requests the dead dispatcher had sent may still be arriving; the new one starts at its launch.
          const launchedAt = Date.now() - readyMs;
          measured[`${name}${n}-kill-to-delivery-ms`] =
            (name === 'dispatcher'
              ? await stack.firstReceiptAfter(launchedAt)
              : await stack.firstDeliveryOfEventAfter(killedAt)) - killedAt;
          await sleep(WORK_MS);
        }
      }),
    );
    await load;
    return measured;
  },
};
