import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { waitFor } from './wait-for';

export const SERVICES = ['subscriptions', 'ingestion', 'dispatcher', 'dlq-review'] as const;
/** The four services, and the demo receiver of the local stack (an app too, but no Nest service). */
export type ServiceName = (typeof SERVICES)[number] | 'demo-receiver';

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  subscriptions: 3001,
  ingestion: 3002,
  dispatcher: 3003,
  'dlq-review': 3004,
  'demo-receiver': 4000,
};

export interface SpawnOptions {
  port: number;
  env?: NodeJS.ProcessEnv;
  /** Extra Node options, e.g. `--cpu-prof` for a benchmark's profile run. */
  nodeArgs?: readonly string[];
  /** Receives every line the service writes (JSON log lines, mostly). */
  onLine?: (line: string) => void;
  /** The path that answers 200 once the process can do its work. */
  readyPath?: string;
}

/** One service running from dist/ as a real child process, as it runs in production. */
export class ServiceProcess {
  readonly url: string;
  private child: ChildProcess | undefined;
  /** The last lines it wrote, to explain a failed start. */
  private readonly tail: string[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: ServiceName,
    private readonly options: SpawnOptions,
  ) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): this {
    const child = spawn(
      process.execPath,
      [...(this.options.nodeArgs ?? []), '--enable-source-maps', this.entry()],
      {
        cwd: repoRoot,
        env: { ...process.env, ...this.options.env, PORT: String(this.options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 20) this.tail.shift();
        this.options.onLine?.(line);
      }
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.child = child;
    return this;
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    let stopPolling = false;
    // A process that dies while starting fails the wait at once, with what it last said.
    const died = this.exited.then((code) => {
      stopPolling = true;
      throw new Error(`${this.name} exited with code ${code} while starting:\n${this.tail.join('\n')}`);
    });
    const ready = waitFor(
      async () => {
        if (stopPolling) return true;
        const res = await fetch(`${this.url}${this.options.readyPath ?? '/ready'}`);
        return res.status === 200;
      },
      { timeoutMs, intervalMs: 200, description: `${this.name} to be ready` },
    );
    await Promise.race([ready, died]);
    died.catch(() => undefined);
  }

  /** Resolves with the exit code once the process has ended on its own. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** Sends the signal and waits for the process to end (SIGKILL after the grace period). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private entry(): string {
    return join(repoRoot, 'dist', 'apps', this.name, 'src', 'main.js');
  }
}
