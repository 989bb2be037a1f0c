import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * `arrival-proxy.mts` run as a child process: the URL to give a subscription instead of the receiver's,
 * and when each of its requests arrived, in arrival order.
 */
export class ArrivalProxy {
  readonly arrivals: number[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
  ) {}

  /** Starts a proxy to `target` (an origin such as `http://127.0.0.1:4000`) and waits until it listens. */
  static async start(target: string): Promise<ArrivalProxy> {
    const child = spawn(process.execPath, [join(__dirname, 'arrival-proxy.mts'), target], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`arrival proxy exited with ${code} before listening`)));
      lines.once('line', (line) => resolve(Number(line.replace('listening ', ''))));
    });
    const proxy = new ArrivalProxy(child, `http://127.0.0.1:${port}`);
    lines.on('line', (line) => proxy.arrivals.push(Number(line.split(' ')[0])));
    return proxy;
  }

  stop(): void {
    this.child.kill();
  }
}
