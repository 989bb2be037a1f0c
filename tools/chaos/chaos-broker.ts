import type { KafkaSecurity } from '@smart-dairy/config';
import { PLATFORM_PRINCIPALS, SecureKafkaBroker, freePort, repoRoot } from '@smart-dairy/stack';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

interface Placement {
  port: number;
  controllerPort: number;
  dataDir: string;
}

let placement: Placement | undefined;
/** CHAOS_KAFKA_SECURE=1: the scenarios run on a SASL_SSL broker, each service as its own principal. */
const secure = process.env.CHAOS_KAFKA_SECURE === '1';
let secured: SecureKafkaBroker | undefined;

/**
 * The chaos suite's own single-node broker, managed by tools/kafka/kafka.sh like the shared one but on
 * ports picked at the first start and a data dir of its own: stopping it never touches what the other
 * suites use, and chaos runs of two checkouts on one machine do not collide. The script runs
 * asynchronously, so the receiver and the load in this process keep going while the broker starts.
 */
export const chaosBroker = {
  get brokers(): string[] {
    if (secured) return secured.brokers;
    if (!placement) throw new Error('the chaos broker was never started');
    return [`127.0.0.1:${placement.port}`];
  },
  /** How `user` (a service, `producer` or the broker's `admin`) connects; plaintext unless secured. */
  security(user: string): KafkaSecurity | undefined {
    return secured?.security(user);
  },
  /** The Kafka variables of a service running as `user`. */
  env(user: string): NodeJS.ProcessEnv {
    return secured ? secured.env(user) : { KAFKA_BROKERS: this.brokers.join(',') };
  },
  /** On the secured broker, the ACLs of docs/deploy.md for a scenario's topics; nothing to do otherwise. */
  async grantAcls(topicPrefix: string): Promise<void> {
    await secured?.grantPlatformAcls(topicPrefix);
  },
  async start(): Promise<void> {
    if (secure) {
      secured ??= await SecureKafkaBroker.create({
        dataDir: join(repoRoot, '.data', `kafka-chaos-secure-${process.pid}`),
        users: PLATFORM_PRINCIPALS,
      });
      return secured.start();
    }
    if (!placement) {
      const [port, controllerPort] = [await freePort(), await freePort()];
      // The controller port is baked into the data dir when it is formatted: one dir per placement.
      placement = { port, controllerPort, dataDir: join(repoRoot, '.data', `kafka-chaos-${port}`) };
    }
    await kafkaScript('start', placement);
  },
  async stop(): Promise<void> {
    await secured?.stop();
    if (placement) await kafkaScript('stop', placement);
  },
  /** Stops the broker for good and removes its data. */
  async remove(): Promise<void> {
    await secured?.remove();
    secured = undefined;
    if (!placement) return;
    await kafkaScript('stop', placement);
    await rm(placement.dataDir, { recursive: true, force: true });
    placement = undefined;
  },
};

function kafkaScript(command: 'start' | 'stop', { port, controllerPort, dataDir }: Placement): Promise<void> {
  const child = spawn('bash', [join(repoRoot, 'tools', 'kafka', 'kafka.sh'), command], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: dataDir,
      KAFKA_HEAP_OPTS: '-Xmx512m -Xms128m',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka.sh ${command} exited with ${code}:\n${output}`)),
    );
  });
}
