import { repoRoot } from '@smart-dairy/stack';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const PORT = 19192;
const CONTROLLER_PORT = 19193;

/**
 * The chaos suite's own single-node broker, managed by tools/kafka/kafka.sh like the shared one but on
 * other ports and another data dir: stopping it never touches what the other suites use. The script is
 * run asynchronously, so the receiver and the load in this process keep going while the broker starts.
 */
export const chaosBroker = {
  brokers: [`127.0.0.1:${PORT}`],
  start: () => kafkaScript('start'),
  stop: () => kafkaScript('stop'),
};

function kafkaScript(command: 'start' | 'stop'): Promise<void> {
  const child = spawn('bash', [join(repoRoot, 'tools', 'kafka', 'kafka.sh'), command], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_PORT: String(PORT),
      KAFKA_CONTROLLER_PORT: String(CONTROLLER_PORT),
      KAFKA_DATA_DIR: join(repoRoot, '.data', 'kafka-chaos'),
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
