import type { FilterDocument } from '@smart-dairy/payload-filter';
import type { ProfileSummary } from './cpu-profile.ts';
import { BROKER, POSTGRES, type ProcessUsage } from './resources.ts';
import { failed, type BenchRun, type BenchVolumes, type Outcome } from './run-bench.ts';
import { ratio } from './stats.ts';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started: above ~1 the figures are suspect. */
  loadAverageAtStart: number[];
  /** Other test or service processes seen at the start (should be none). */
  busyProcessesAtStart: string[];
  commit: string;
  /** Files the working tree had changed against the commit (other engineers' work in progress). */
  uncommittedFiles: number;
}

export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  volumes: BenchVolumes;
  serviceEnv: NodeJS.ProcessEnv;
  /** Each service's Node options, as in its pod (`podNodeArgs`). */
  serviceNodeArgs: Record<string, string[]>;
  profiled: boolean;
  /** `--tracing`: what the services exported to the bench's OTLP sink. */
  tracing?: { exportRequests: number; exportedBytes: number };
  /** The parts that ran (`--only`). */
  parts: readonly string[];
  /** The payload filter on every subscription (`--filters`); null without. */
  payloadFilter: FilterDocument | null;
  run: BenchRun;
  ratios: Record<string, number>;
  targets: Target[];
  profiles?: Record<string, ProfileSummary>;
}

const SERVICE_RSS_LIMIT_MIB = 300;
const SERVICES = ['subscriptions', 'ingestion', 'dispatcher', 'dlq-review'];

function value<T extends object, R>(outcome: Outcome<T>, pick: (result: T) => R): R | undefined {
  return failed(outcome) ? undefined : pick(outcome);
}

/** The figures the platform is compared on, as ratios; NaN where a part did not run. */
export function ratios(run: BenchRun): Record<string, number> {
  const s1Rate = value(run.s1, (r) => r.rate.sustainedPerSecond) ?? Number.NaN;
  return {
    s1ToUndiciCeiling: ratio(
      s1Rate,
      value(run.ceilings.undici, (c) => c.rate.sustainedPerSecond) ?? Number.NaN,
    ),
    s1ToKafkaCeiling: ratio(
      s1Rate,
      value(run.ceilings.kafka, (c) => c.producedThenConsumedPerSecond) ?? Number.NaN,
    ),
    s3HealthyRateToS1: ratio(value(run.s3, (r) => r.healthy.rate.sustainedPerSecond) ?? Number.NaN, s1Rate),
    s2P99PurgingToQuiet: ratio(
      value(run.purge, (r) => r.p99Purging) ?? Number.NaN,
      value(run.purge, (r) => r.p99Quiet) ?? Number.NaN,
    ),
    s3HealthyAttemptP99ToS1: ratio(
      value(run.s3, (r) => r.healthy.attemptLatencyMs.p99) ?? Number.NaN,
      value(run.s1, (r) => r.attemptLatencyMs.p99) ?? Number.NaN,
    ),
    s3HealthyEndToEndP99ToS1: ratio(
      value(run.s3, (r) => r.healthy.latency.p99) ?? Number.NaN,
      value(run.s1, (r) => r.latency.p99) ?? Number.NaN,
    ),
  };
}

/** The issue's targets for this 2-core machine. */
export function targets(run: BenchRun, r: Record<string, number>): Target[] {
  const s1Rate = value(run.s1, (x) => x.rate.sustainedPerSecond);
  const s2P99 = value(run.s2, (x) => x.latency.p99);
  const s3P99 = value(run.s3, (x) => x.healthy.attemptLatencyMs.p99);
  const s4 = value(run.s4, (x) => x);
  const resources = value(run.s1, (x) => x.resources) ?? {};
  const cpu = value(run.s1, (x) => cpuPerDelivery(x.resources, x.delivered));
  const list: Target[] = [
    target('S1 sustained deliveries/s', '≥ 4,000', s1Rate, (v) => v >= 4_000),
    target('S1 / undici ceiling, same run', '≥ 0.80', r.s1ToUndiciCeiling, (v) => v >= 0.8),
    target('CPU µs per delivery, four services', '≤ 180', cpu?.services, (v) => v <= 180, ' µs'),
    target(
      'CPU µs per delivery, services + broker + Postgres',
      '≤ 300',
      cpu?.platform,
      (v) => v <= 300,
      ' µs',
    ),
    target('S2 p99 publish → verified receipt', '< 100 ms', s2P99, (v) => v < 100, ' ms'),
    target(
      'S2 p99 with a purge of a million rows / without (medians of three runs)',
      '≤ 1.20',
      r.s2P99PurgingToQuiet,
      (v) => v <= 1.2,
    ),
    target('S3 healthy rate / S1 rate', '≥ 0.95', r.s3HealthyRateToS1, (v) => v >= 0.95),
    target('S3 healthy p99 request latency', '< 500 ms', s3P99, (v) => v < 500, ' ms'),
    {
      name: 'S4 every delivery arrives',
      target: 'all',
      value: s4 ? `${s4.everyDelivered ? 'all' : `${s4.missing} missing`}` : 'did not run',
      met: s4?.everyDelivered === true,
    },
  ];
  for (const name of SERVICES) {
    const usage: ProcessUsage | undefined = resources[name];
    list.push(
      target(
        `${name} peak RSS (S1)`,
        `< ${SERVICE_RSS_LIMIT_MIB} MiB`,
        usage?.peakRssMiB,
        (v) => v < 300,
        ' MiB',
      ),
    );
  }
  return list;
}

/** CPU microseconds a process spent per delivery of the scenario. */
export function microsPerDelivery(usage: ProcessUsage, delivered: number): number {
  return delivered > 0 ? Math.round((usage.cpuSeconds * 1e6) / delivered) : Number.NaN;
}

/** What one delivery costs the four services, and the services with the broker and Postgres. */
export function cpuPerDelivery(
  resources: Record<string, ProcessUsage>,
  delivered: number,
): { services: number; platform: number } {
  const sum = (names: string[]) =>
    names.reduce((total, name) => total + (resources[name]?.cpuSeconds ?? Number.NaN), 0);
  const services = sum(SERVICES);
  const platform = services + sum([BROKER, POSTGRES]);
  return {
    services: microsPerDelivery({ peakRssMiB: 0, cpuSeconds: services }, delivered),
    platform: microsPerDelivery({ peakRssMiB: 0, cpuSeconds: platform }, delivered),
  };
}

function target(
  name: string,
  wanted: string,
  measured: number | undefined,
  ok: (v: number) => boolean,
  unit = '',
): Target {
  const known = measured !== undefined && !Number.isNaN(measured);
  return {
    name,
    target: wanted,
    value: known ? `${measured.toLocaleString('en-US')}${unit}` : 'did not run',
    met: known && ok(measured),
  };
}
