// `npm run bench`: the whole platform on a broker and database of its own, the ceilings and the
// four scenarios, then bench/results/<date>.json and .md. Options:
//   --profile      services under --cpu-prof; the results get each one's top self-time functions
//   --wait-quiet   first wait (up to 20 min) for load average < 1 and no other tests or services
//   --smoke        the test suite's tiny volumes on the dedicated broker; prints, writes nothing
//   --only s1,s3   just these parts (ceilings, s1, s2, purge, s3, s4)
//   --secure       the broker listens on SASL_SSL only (SCRAM, standard authorizer, the ACLs of docs/deploy.md)
//   --ordered      S1's first subscription delivers in order per key; its own figures are reported apart
//   --filters      every subscription gets a payload filter that every bench event matches (same deliveries)
//   --tracing      the services export every span over OTLP (http/protobuf) to a sink in the bench process
import { dropDatabase } from '@smart-dairy/db';
import {
  BROKER_ADMIN,
  PLATFORM_PRINCIPALS,
  SERVICES,
  SecureKafkaBroker,
  freePort,
  kafkaBroker,
  prepareDatabase,
  repoRoot,
} from '@smart-dairy/stack';
import { OtlpReceiver } from '@smart-dairy/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { readProfile, summarizeProfile, type ProfileSummary } from './cpu-profile.ts';
import { BENCH_RETENTION_INTERVAL_MS, type StackOptions } from './bench-stack.ts';
import { podNodeArgs } from './pod-heap.ts';
import { renderMarkdown } from './markdown.ts';
import { ratios, targets, type BenchResults, type Machine } from './report.ts';
import { MATCH_EVERY_ORDER } from './payload.ts';
import { BROKER } from './resources.ts';
import {
  FULL_VOLUMES,
  PARTS,
  SMOKE_SERVICE_ENV,
  SMOKE_VOLUMES,
  runBench,
  type BenchRun,
  type Part,
} from './run-bench.ts';

const RUN_BUDGET_MS = 14 * 60_000;
/** The purge part: six S2 runs, three loads of a million rows, and the end of the purge. */
const PURGE_BUDGET_MS = 16 * 60_000;
const QUIET_WAIT_MS = 20 * 60_000;
const QUIET_LOAD = 1;
const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/smart_dairy_bench';
const BROKER_DIR = join(repoRoot, '.data', 'kafka-bench');
const RESULTS_DIR = join(repoRoot, 'bench', 'results');

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Test runs and service processes of other engineers on this machine, which would skew every figure. */
function busyProcesses(): string[] {
  const found = spawnSync('pgrep', ['-af', 'jest|dist/apps'], { encoding: 'utf8' }).stdout;
  return found
    .split('\n')
    .filter((line) => line && !line.startsWith(`${process.pid} `))
    .map((line) => line.slice(0, 120));
}

async function waitUntilQuiet(): Promise<void> {
  const giveUpAt = Date.now() + QUIET_WAIT_MS;
  const load = () => loadavg()[0] ?? 0;
  while (Date.now() < giveUpAt && (load() >= QUIET_LOAD || busyProcesses().length > 0)) {
    log(`waiting for a quiet machine: load ${load().toFixed(2)}, ${busyProcesses().length} busy process(es)`);
    await sleep(30_000);
  }
}

function machine(): Machine {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    busyProcessesAtStart: busyProcesses(),
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedFiles: git('status', '--porcelain').split('\n').filter(Boolean).length,
  };
}

let securedBroker: SecureKafkaBroker | undefined;

/** A fresh single-node broker on free ports: no other run's topics, offsets or load. */
async function startBroker(
  secure: boolean,
): Promise<Pick<StackOptions, 'brokers' | 'security' | 'kafkaEnv'>> {
  process.env.KAFKA_DATA_DIR = BROKER_DIR;
  kafkaBroker.stop(); // a bench broker left over by an interrupted run
  rmSync(BROKER_DIR, { recursive: true, force: true });
  if (secure) {
    const broker = await SecureKafkaBroker.create({ dataDir: BROKER_DIR, users: PLATFORM_PRINCIPALS });
    securedBroker = broker;
    await broker.start();
    await broker.grantPlatformAcls('');
    return {
      brokers: broker.brokers.join(','),
      security: broker.security(BROKER_ADMIN),
      kafkaEnv: (service) => broker.env(service),
    };
  }
  process.env.KAFKA_PORT = String(await freePort());
  process.env.KAFKA_CONTROLLER_PORT = String(await freePort());
  kafkaBroker.start();
  return { brokers: `127.0.0.1:${process.env.KAFKA_PORT}` };
}

function stopBroker(): Promise<void> {
  if (securedBroker) return securedBroker.stop();
  kafkaBroker.stop();
  return Promise.resolve();
}

function brokerPid(): Record<string, number> {
  if (securedBroker?.pid) return { [BROKER]: securedBroker.pid };
  const file = join(BROKER_DIR, 'kafka.pid');
  return existsSync(file) ? { [BROKER]: Number(readFileSync(file, 'utf8')) } : {};
}

function profilesIn(dir: string): Record<string, ProfileSummary> {
  const summaries: Record<string, ProfileSummary> = {};
  for (const service of ['ingestion', 'dispatcher', 'dlq-review', 'subscriptions']) {
    const file = join(dir, `${service}.cpuprofile`);
    if (existsSync(file)) summaries[service] = summarizeProfile(readProfile(file));
  }
  return summaries;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      profile: { type: 'boolean' },
      'wait-quiet': { type: 'boolean' },
      smoke: { type: 'boolean' },
      only: { type: 'string' },
      secure: { type: 'boolean' },
      ordered: { type: 'boolean' },
      filters: { type: 'boolean' },
      tracing: { type: 'boolean' },
    },
  });
  const filter = flags.filters ? MATCH_EVERY_ORDER : undefined;
  const only = flags.only?.split(',').map((p) => p.trim());
  const unknown = only?.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown?.length)
    throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
  if (flags['wait-quiet']) await waitUntilQuiet();
  const started = new Date();
  const budgetMs = RUN_BUDGET_MS + (!only || only.includes('purge') ? PURGE_BUDGET_MS : 0);
  const stamp = started
    .toISOString()
    .slice(0, 16)
    .replace(/[:T]/g, (c) => (c === 'T' ? '-' : ''));
  const facts = machine();
  log(
    `load average ${facts.loadAverageAtStart.join(' ')}; ${facts.busyProcessesAtStart.length} busy process(es)`,
  );

  const broker = await startBroker(Boolean(flags.secure));
  await dropDatabase(DATABASE_URL);
  await prepareDatabase(DATABASE_URL);
  const profileDir = flags.profile ? join(RESULTS_DIR, 'profiles', stamp) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  // Counts what arrives without decoding it: the cost measured is the services', not the sink's.
  const traceSink = flags.tracing ? await new OtlpReceiver({ decode: false }).start() : undefined;
  const stackOptions: StackOptions = {
    ...broker,
    databaseUrl: DATABASE_URL,
    topicPrefix: '',
    env: {
      ...(flags.smoke ? SMOKE_SERVICE_ENV : {}),
      ...(traceSink ? { OTEL_EXPORTER_OTLP_ENDPOINT: traceSink.endpoint } : {}),
    },
    profileDir,
  };
  const volumes = flags.smoke ? SMOKE_VOLUMES : FULL_VOLUMES;
  let run: BenchRun;
  try {
    run = await runBench(stackOptions, volumes, {
      budgetMs: budgetMs - (Date.now() - started.getTime()),
      otherProcesses: brokerPid(),
      only: only as Part[] | undefined,
      ordered: Boolean(flags.ordered),
      filter,
      onCleanup: (cleanup) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) {
          process.once(signal, () => {
            log(`${signal}: stopping the services and the broker`);
            void cleanup()
              .then(stopBroker)
              .finally(() => process.exit(130));
          });
        }
      },
      log,
    });
  } finally {
    await stopBroker();
    await traceSink?.stop();
  }
  const ratioValues = ratios(run);
  const results: BenchResults = {
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: facts,
    volumes,
    serviceEnv: {
      ...stackOptions.env,
      NODE_ENV: 'production',
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      LOG_LEVEL: 'warn',
      RETENTION_INTERVAL_MS: BENCH_RETENTION_INTERVAL_MS,
    },
    serviceNodeArgs: Object.fromEntries(SERVICES.map((name) => [name, podNodeArgs(name)])),
    profiled: Boolean(profileDir),
    ...(traceSink ? { tracing: { exportRequests: traceSink.requests, exportedBytes: traceSink.bytes } } : {}),
    parts: only ?? PARTS,
    payloadFilter: filter ?? null,
    run,
    ratios: ratioValues,
    targets: targets(run, ratioValues),
    ...(profileDir ? { profiles: profilesIn(profileDir) } : {}),
  };
  const markdown = renderMarkdown(results);
  if (!flags.smoke) {
    const suffix = `${only ? `-${only.join('-')}` : ''}${flags.ordered ? '-ordered' : ''}${filter ? '-filters' : ''}${profileDir ? '-profile' : ''}${traceSink ? '-tracing' : ''}`;
    const base = join(RESULTS_DIR, `${stamp}${suffix}`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdown);
    log(`wrote ${base}.json and .md`);
  }
  console.log(`\n${markdown}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    void stopBroker().finally(() => process.exit(1));
  },
);
