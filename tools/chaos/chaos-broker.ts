import { freePort, repoRoot } from '@smart-dairy/stack';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

interface Placement {
  port: number;
  controllerPort: number;
  dataDir: string;
}

let placement: Placement | undefined;

/**
 * The chaos suite's own single-node broker, managed by tools/kafka/kafka.sh like the shared one but on
 * ports picked at the first start and a data dir of its own: stopping it never touches what the other
 * suites use, and chaos runs of two checkouts on one machine do not collide. The script runs
 * asynchronously, so the receiver and the load in this process keep going while the broker starts.
 */
export const chaosBroker = {
  get brokers(): string[] {
    if (!placement) throw new Error('the chaos broker was never started');
    return [`127.0.0.1:${placement.port}`];
  },
  async start(): Promise<void> {
    if (!placement) {
      const [port, controllerPort] = [await freePort(), await freePort()];
      // The controller port is baked into the data dir when it is formatted: one dir per placement.
      placement = { port, controllerPort, dataDir: join(repoRoot, '.data', `kafka-chaos-${port}`) };
    }
    await kafkaScript('start', placement);
  },
  async stop(): Promise<void> {
    if (placement) await kafkaScript('stop', placement);
  },
  /** Stops the broker for good and removes its data. */
  async remove(): Promise<void> {
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
