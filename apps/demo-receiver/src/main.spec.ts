import { sign } from '@smart-dairy/signing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The compiled entry point, as the image runs it (`npm test` builds dist/ first).
const entry = join(__dirname, '..', '..', '..', 'dist', 'apps', 'demo-receiver', 'src', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH, ...env } });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error('timed out');
}

describe('demo receiver process', () => {
  it('prints a line for a delivery and stops on SIGTERM', async () => {
    const port = await freePort();
    const { child, output } = run({ DEMO_RECEIVER_PORT: String(port), DEMO_RECEIVER_SECRET: 'whsec_demo' });
    await until(() => output().includes('listening'));

    const body = JSON.stringify({
      id: 'wh_0001',
      event: 'user.updated',
      timestamp: new Date().toISOString(),
      webhook_id: 'sub_demo',
      attempt: 3,
      data: {},
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'X-Webhook-ID': 'wh_0001',
        'X-Event-Type': 'user.updated',
        'X-Webhook-Timestamp': String(timestamp),
        'X-Webhook-Signature': sign('whsec_demo', timestamp, body),
      },
      body,
    });
    expect(response.status).toBe(200);
    await until(() => output().includes('verified=yes'));
    expect(output()).toContain('user.updated wh_0001 attempt=3 verified=yes');

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('exits 78 naming the variables when no secret is configured', async () => {
    const { child, output } = run({});
    const [code] = await once(child, 'exit');
    expect(code).toBe(78);
    expect(output()).toContain('DEMO_RECEIVER_SECRET');
  });
});
