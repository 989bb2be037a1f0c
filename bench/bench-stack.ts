import type { KafkaSecurity } from '@smart-dairy/config';
import { SERVICES, ServiceProcess, freePort, type ServiceName } from '@smart-dairy/stack';
import { podNodeArgs } from './pod-heap.ts';
import { randomBytes } from 'node:crypto';

export interface StackOptions {
  brokers: string;
  /** The bench's own Kafka client (topics, ceilings, publishing) on a secured broker; plaintext when absent. */
  security?: KafkaSecurity;
  /** Each service's Kafka variables on a secured broker (its own principal). */
  kafkaEnv?: (service: ServiceName) => NodeJS.ProcessEnv;
  databaseUrl: string;
  topicPrefix: string;
  /** Overrides of the production settings (the smoke run shortens breaker and retry waits). */
  env?: NodeJS.ProcessEnv;
  /** Where the services write `--cpu-prof` profiles; no profiling when absent. */
  profileDir?: string;
}

const LOG_TAIL = 200;

/**
 * The one production setting the bench changes for every part: retention sweeps every 5 s instead of 10
 * min, so that the rows the purge part makes due are taken at once. A sweep with nothing due is one short
 * statement per table.
 */
export const BENCH_RETENTION_INTERVAL_MS = '5000';

/**
 * The four services from dist/ with production settings, except that endpoints may be on
 * loopback over plain http (the receiver is local). Production refuses the key rings published in
 * this repository, so the stack generates its own, as an operator would.
 */
export class BenchStack {
  readonly adminKey = `sdk_bench_${randomBytes(24).toString('base64url')}`;
  private readonly keyRing = `bench:${randomBytes(32).toString('base64')}`;
  /** The last lines the services logged (warnings and errors at LOG_LEVEL=warn). */
  readonly logTail: string[] = [];
  private readonly services = new Map<ServiceName, ServiceProcess>();
  private readonly options: StackOptions;

  constructor(options: StackOptions) {
    this.options = options;
  }

  env(): NodeJS.ProcessEnv {
    return {
      NODE_ENV: 'production',
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      SECRET_ENCRYPTION_KEYS: this.keyRing,
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: this.options.brokers,
      KAFKA_TOPIC_PREFIX: this.options.topicPrefix,
      DATABASE_URL: this.options.databaseUrl,
      ADMIN_API_KEY: this.adminKey,
      RETENTION_INTERVAL_MS: BENCH_RETENTION_INTERVAL_MS,
      ...this.options.env,
    };
  }

  /**
   * The subscriptions service alone runs in development mode: in production it accepts https
   * endpoint URLs only, whatever ALLOW_PRIVATE_ENDPOINTS says, and the receiver is plain http. It
   * only answers the bench's few admin calls; no delivery passes through it.
   */
  private envOf(name: ServiceName): NodeJS.ProcessEnv {
    const env = { ...this.env(), ...this.options.kafkaEnv?.(name) };
    return name === 'subscriptions' ? { ...env, NODE_ENV: 'development' } : env;
  }

  async start(): Promise<void> {
    const { profileDir } = this.options;
    for (const name of SERVICES) {
      const service = new ServiceProcess(name, {
        port: await freePort(),
        env: this.envOf(name),
        nodeArgs: [
          ...podNodeArgs(name),
          ...(profileDir
            ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
            : []),
        ],
        onLine: (line) => {
          this.logTail.push(`[${name}] ${line}`);
          if (this.logTail.length > LOG_TAIL) this.logTail.shift();
        },
      });
      this.services.set(name, service.start());
    }
    await Promise.all([...this.services.values()].map((s) => s.waitUntilReady(120_000)));
  }

  service(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  /** Process ids by service, for the resource sampler. */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.services].flatMap(([name, s]) => (s.pid ? [[name, s.pid]] : [])));
  }

  /** Each service's Prometheus endpoint, by name. */
  metricsUrls(): Record<string, string> {
    return Object.fromEntries([...this.services].map(([name, s]) => [name, `${s.url}/metrics`]));
  }

  /** SIGTERM to all, so in-flight work finishes and profiles are written. */
  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop('SIGTERM')));
  }
}
