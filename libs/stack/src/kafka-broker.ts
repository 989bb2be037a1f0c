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

/** True when something already listens on the broker port (another checkout's broker, say). */
function portAnswers(): boolean {
  const port = process.env.KAFKA_PORT ?? '9092';
  return spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0;
}

/** The local single-node broker that tools/kafka/kafka.sh manages. */
export const kafkaBroker = {
  /** A broker we can use is up: ours, or one already serving the port, which is reused as it is. */
  isRunning: (): boolean => run('status', false) === 0 || portAnswers(),
  start(): void {
    if (run('start', true) !== 0) throw new Error('Kafka broker failed to start (see the log above)');
  },
  stop(): void {
    run('stop', true);
  },
};
