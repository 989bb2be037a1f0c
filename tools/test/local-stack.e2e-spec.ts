import { dropDatabase } from '@smart-dairy/db';
import { freePort, repoRoot, ServiceProcess, waitFor } from '@smart-dairy/stack';
import { BUSINESS_EVENT_TYPES } from '@smart-dairy/schemas';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(180_000);

/** Lines the stack prints at warn level or above ("[service] warn ..."), and Node's own warnings. */
function alarmingLines(lines: readonly string[]): string[] {
  return lines.filter((l) => /^\[[\w-]+\] (warn|error|fatal) /.test(l) || /\(node:\d+\) \w*Warning/.test(l));
}

/** What a newcomer sees after `npm start` (run here without the npm wrapper, dist/ is built). */
describe('the local stack (npm start)', () => {
  const database = `smart_dairy_stack_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;
  // A fresh clone's: no admin key, receiver secret or demo subscription yet.
  const dataDir = mkdtempSync(join(tmpdir(), 'smart-dairy-stack-'));

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows 14 verified deliveries, serves the printed URLs and stops everything on Ctrl-C, all quietly', async () => {
    const lines: string[] = [];
    const inherited = { ...process.env };
    // The default LOG_LEVEL, as a newcomer runs it.
    delete inherited.LOG_LEVEL;
    const child = spawn(process.execPath, [join(repoRoot, 'tools', 'stack.mts')], {
      cwd: repoRoot,
      // Topics and a database of its own, so another stack on the same broker cannot take its events.
      env: {
        ...inherited,
        KAFKA_TOPIC_PREFIX: `stack${randomBytes(4).toString('hex')}.`,
        DATABASE_URL: databaseUrl,
        STACK_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => lines.some((l) => l.includes('Press Ctrl-C')), {
        timeoutMs: 120_000,
        description: 'the stack',
      });
      const verified = () =>
        new Set(
          lines
            .filter((l) => l.startsWith('[demo-receiver]') && l.includes('verified=yes'))
            .map((l) => l.split(' ')[1]),
        );
      await waitFor(() => verified().size >= BUSINESS_EVENT_TYPES.length, {
        timeoutMs: 60_000,
        description: 'a verified delivery of every event type',
      });
      expect([...verified()].sort()).toEqual([...BUSINESS_EVENT_TYPES].sort());

      const printed = (label: string) =>
        lines
          .find((l) => l.trim().startsWith(label))
          ?.trim()
          .split(/\s+/)
          .pop();
      const adminKey = printed('admin API key');
      for (const url of [printed('API docs'), printed('DLQ console')]) {
        expect((await fetch(url as string)).status).toBe(200);
      }
      const stats = await fetch('http://127.0.0.1:3001/v1/stats', {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(stats.status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    for (const port of [3001, 3002, 3003, 3004, 4000]) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }
    // A healthy start, demo and stop: nothing an operator would take for trouble.
    expect(lines.some((l) => /^\[\w+\] info /.test(l))).toBe(true);
    expect(alarmingLines(lines)).toEqual([]);
  });
});

describe('a real fault at start', () => {
  it('is still printed as an error: a service whose Postgres refuses connections', async () => {
    const lines: string[] = [];
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'development',
      // Nothing listens there: the kernel refuses the connection, as for a stopped server.
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/smart_dairy`,
      KAFKA_TOPIC_PREFIX: `fault${randomBytes(4).toString('hex')}.`,
      ADMIN_API_KEY: randomBytes(24).toString('hex'),
      LOG_LEVEL: undefined,
    };
    const service = new ServiceProcess('subscriptions', {
      port: await freePort(),
      env,
      onLine: (line) => lines.push(line),
    }).start();
    try {
      await expect(service.waitUntilReady(60_000)).rejects.toThrow(/exited/);
    } finally {
      await service.stop('SIGKILL');
    }
    const levels = lines.flatMap((line) => {
      try {
        const record = JSON.parse(line) as { level?: string; err?: { message?: string } };
        return [`${record.level} ${record.err?.message ?? ''}`];
      } catch {
        return [];
      }
    });
    expect(levels.filter((l) => /^(error|fatal) /.test(l)).join('\n')).toMatch(/Can't reach database server/);
  });
});
