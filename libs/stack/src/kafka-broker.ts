import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

const script = join(repoRoot, 'tools', 'kafka', 'kafka.sh');

function run(command: 'start' | 'stop' | 'status', inherit: boolean): number {
  const result = spawnSync('bash', [script, command], {
    cwd: repoRoot,
    stdio: inherit ? 'inherit' : 'ignore',
    env: process.env,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** The local single-node broker that tools/kafka/kafka.sh manages. */
export const kafkaBroker = {
  isRunning: (): boolean => run('status', false) === 0,
  start(): void {
    if (run('start', true) !== 0) throw new Error('Kafka broker failed to start (see the log above)');
  },
  stop(): void {
    run('stop', true);
  },
};
