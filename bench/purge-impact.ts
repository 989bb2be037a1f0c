import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { purgedDeliveries, type PurgeLoad } from './purge-load.ts';
import { steadyLatency, type LatencyResult, type ScenarioContext } from './scenarios.ts';
import { median } from './stats.ts';

export interface PurgeVolumes {
  /** Deliveries due for retention while each purging run goes. */
  rows: number;
  /** S2 runs without a purge, then as many with one. */
  runs: number;
  /** How long, after the last run, the rest of the purge may take before the next part starts anyway. */
  drainTimeoutMs: number;
}

export interface PurgeRun {
  purging: boolean;
  latency: LatencyResult['latency'];
  delivered: number;
  expected: number;
  /** Deliveries due for retention when the run started. */
  dueAtStart: number;
  /** Of those, deleted while the run went. */
  purgedDuringRun: number;
  /** Writing the top-up of due rows before the run. */
  seedMs: number;
  /** The run, from its subscriptions to its last delivery. */
  runMs: number;
}

export interface PurgeImpactResult {
  rows: number;
  runs: PurgeRun[];
  /** Medians of the runs' S2 p99, ms. */
  p99Quiet: number;
  p99Purging: number;
  /** Due rows left when the wait after the last run ran out (0: the purge finished). */
  leftAfterDrain: number;
}

const PURGE_POLL_MS = 1_000;

/**
 * S2 while the retention sweeps delete `rows` deliveries (with their attempts, then their events), against
 * S2 without: `runs` quiet runs, then `runs` runs before each of which the due rows are topped up to
 * `rows`, so that every purging run starts with that many waiting. The dispatcher's sweep starts at its
 * next tick (RETENTION_INTERVAL_MS, short in the bench) and runs in the service as it would in production.
 */
export async function purgeImpact(
  ctx: ScenarioContext,
  load: PurgeLoad,
  { rows, runs, drainTimeoutMs }: PurgeVolumes,
  s2: { deliveriesPerSecond: number; durationMs: number },
): Promise<PurgeImpactResult> {
  const metricsUrl = ctx.metricsUrls().dispatcher;
  if (!metricsUrl) throw new Error('the dispatcher is not running');
  const purged = () => purgedDeliveries(metricsUrl);
  const results: PurgeRun[] = [];
  const run = async (purging: boolean, index: number, due: number, seedMs: number) => {
    ctx.log(
      `S2 ${purging ? `with ${due.toLocaleString('en-US')} rows being purged` : 'without a purge'} (${index})`,
    );
    const [before, started] = [await purged(), performance.now()];
    const { latency, delivered, expected } = await steadyLatency(
      ctx,
      s2,
      `purge-${purging ? 'on' : 'off'}-${index}`,
    );
    const runMs = Math.round(performance.now() - started);
    const purgedDuringRun = (await purged()) - before;
    results.push({ purging, latency, delivered, expected, dueAtStart: due, purgedDuringRun, seedMs, runMs });
  };

  for (let i = 1; i <= runs; i += 1) await run(false, i, 0, 0);
  const baseline = await purged();
  let seeded = 0;
  for (let i = 1; i <= runs; i += 1) {
    const left = seeded - ((await purged()) - baseline);
    const topUp = await load.seed(rows - left);
    seeded += topUp.rows;
    await run(true, i, left + topUp.rows, topUp.ms);
  }

  const giveUpAt = Math.min(ctx.deadline, performance.now() + drainTimeoutMs);
  let left = seeded - ((await purged()) - baseline);
  while (left > 0 && performance.now() < giveUpAt) {
    await sleep(PURGE_POLL_MS);
    left = seeded - ((await purged()) - baseline);
  }
  const p99 = (purging: boolean) =>
    median(results.filter((r) => r.purging === purging).map((r) => r.latency.p99));
  return {
    rows,
    runs: results,
    p99Quiet: p99(false),
    p99Purging: p99(true),
    leftAfterDrain: left,
  };
}
