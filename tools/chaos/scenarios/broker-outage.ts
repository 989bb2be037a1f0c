import type { ServiceProcess } from '@smart-dairy/stack';
import { chaosBroker } from '../chaos-broker';
import { readyStatus, type ChaosStack } from '../chaos-stack';
import { sleep } from '../util';
import { CHAOS_MODE, type Measurements } from '../report';
import { readyAgainAt, STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

const DURATION_MS = CHAOS_MODE === 'full' ? 50_000 : 40_000;
const OUTAGE_AT_MS = 8_000;
const OUTAGE_MS = 20_000;

/**
 * Scenario 2: the chaos broker stops for 20 s and starts again. The services are not restarted: they
 * must say so on /ready while it is down and resume by themselves. Measured from the broker's restart:
 * each service's /ready back to 200, the first delivery, and the first delivery of an event published
 * after it.
 */
export const brokerOutage: Scenario = {
  name: 's2-broker-outage',
  title: 'scenario 2: the Kafka broker stops for 20 s under load',
  stack: { label: 'broker', endpoints: STANDARD_ENDPOINTS },
  settleMs: 150_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const { start, load } = standardLoad(stack, DURATION_MS);
    await until(start, OUTAGE_AT_MS);
    await chaosBroker.stop();
    const down = Date.now();
    const notReady = await Promise.all(stack.services.map((s) => seenNotReady(s, down + OUTAGE_MS)));
    await until(down, OUTAGE_MS);
    await chaosBroker.start();
    const up = Date.now();
    const measured: Measurements = { 'broker-restart-ms': up - down - OUTAGE_MS };
    await Promise.all(
      stack.services.map(async (s, i) => {
        measured[`${s.name}-ready-503-during-outage`] = notReady[i] ? 1 : 0;
        measured[`${s.name}-ready-again-ms`] = (await readyAgainAt(s)) - up;
      }),
    );
    measured['first-delivery-ms'] = (await stack.firstReceiptAfter(up)) - up;
    measured['publish-refusals'] = (await load).failedSends;
    measured['first-new-event-delivery-ms'] = (await stack.firstDeliveryOfEventAfter(up)) - up;
    return measured;
  },
  check(_stack, _ledger, measured) {
    const readyDuringOutage = Object.entries(measured).filter(
      ([name, value]) => name.endsWith('-ready-503-during-outage') && value !== 1,
    );
    expect(readyDuringOutage).toEqual([]);
  },
};

/** Polls /ready until `until`; true once it answered anything but 200 (or did not answer). */
async function seenNotReady(service: ServiceProcess, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if ((await readyStatus(service)) !== 200) return true;
    await sleep(250);
  }
  return false;
}
