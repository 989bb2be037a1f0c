import type { EventType } from '@smart-dairy/schemas';
import { waitFor, type ServiceProcess } from '@smart-dairy/stack';
import { readyStatus, type ChaosStack, type EndpointPlan, type StackOptions } from '../chaos-stack';
import type { Ledger } from '../ledger';
import { sleep } from '../util';
import { CHAOS_MODE, type Measurements } from '../report';

export interface Scenario {
  /** Short name used in the ledger line. */
  name: string;
  title: string;
  stack: StackOptions;
  /** Drives load and faults; resolves with what it measured once the load is over. */
  run(stack: ChaosStack): Promise<Measurements>;
  /** How long after the run every pair may take to settle. */
  settleMs: number;
  /** Set when the scenario expects an exact number of duplicates. */
  duplicates?: number;
  /** Measurements that need every pair settled first. */
  afterSettle?(stack: ChaosStack): Measurements;
  /** Scenario-specific assertions, after the ledger's. */
  check?(stack: ChaosStack, ledger: Ledger, measured: Measurements): void;
}

/** Several subscriptions with overlapping filters: every event matches `all` and one or two others. */
export const STANDARD_ENDPOINTS: EndpointPlan[] = [
  { path: 'all', events: ['*'] },
  { path: 'orders', events: ['order.*'] },
  { path: 'money-and-shipping', events: ['payment.*', 'shipment.created'] },
  { path: 'catalog', events: ['inventory.low', 'product.*', 'user.*'] },
];

/** One type per category topic, and orders twice as often. */
export const LOAD_TYPES: readonly EventType[] = [
  'order.created',
  'payment.completed',
  'order.updated',
  'shipment.created',
  'user.registered',
  'inventory.low',
  'product.updated',
];

/** Events per second: hundreds in the full suite, fewer in the short form that runs inside `npm test`. */
export const RATE = CHAOS_MODE === 'full' ? 200 : 100;

/**
 * Starts the standard load for `durationMs`: when it started, for the timeline, and its end. A scenario
 * that starts several loads names each, so that their event ids differ.
 */
export function standardLoad(stack: ChaosStack, durationMs: number, name = '') {
  return {
    start: Date.now(),
    load: stack.load({ ratePerSecond: RATE, durationMs, types: LOAD_TYPES, name }),
  };
}

/** Sleeps until `offsetMs` after `start` (at once if that is past). */
export function until(start: number, offsetMs: number): Promise<void> {
  return sleep(Math.max(0, start + offsetMs - Date.now()));
}

/** A pause of one to two seconds, as an operator or an orchestrator would take. */
export const restartPause = () => 1_000 + Math.round(Math.random() * 1_000);

/** When the service's /ready answered 200 again. */
export function readyAgainAt(service: ServiceProcess): Promise<number> {
  return waitFor(async () => (await readyStatus(service)) === 200 && Date.now(), {
    timeoutMs: 120_000,
    intervalMs: 100,
    description: `${service.name} /ready again`,
  });
}
