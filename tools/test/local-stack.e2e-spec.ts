import { dropDatabase } from '@smart-dairy/db';
import { repoRoot, waitFor } from '@smart-dairy/stack';
import { BUSINESS_EVENT_TYPES } from '@smart-dairy/schemas';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(180_000);

/** What a newcomer sees after `npm start` (run here without the npm wrapper, dist/ is built). */
describe('the local stack (npm start)', () => {
  const database = `smart_dairy_stack_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    rmSync(join(repoRoot, '.data', `demo-subscription.${database}.json`), { force: true });
  });

  it('shows 14 verified deliveries, serves the printed URLs and stops everything on Ctrl-C', async () => {
    const lines: string[] = [];
    const child = spawn(process.execPath, [join(repoRoot, 'tools', 'stack.mts')], {
      cwd: repoRoot,
      // Topics and a database of its own, so another stack on the same broker cannot take its events.
      env: {
        ...process.env,
        KAFKA_TOPIC_PREFIX: `stack${randomBytes(4).toString('hex')}.`,
        DATABASE_URL: databaseUrl,
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
  });
});
