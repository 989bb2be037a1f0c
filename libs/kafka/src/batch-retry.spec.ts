import pino from 'pino';
import { retryBatch, type BatchControl } from './batch-retry';

function control(overrides: Partial<BatchControl> = {}): BatchControl & { heartbeats: number } {
  const c = {
    heartbeats: 0,
    isRunning: () => true,
    isStale: () => false,
    heartbeat: async () => {
      c.heartbeats += 1;
    },
    ...overrides,
  };
  return c;
}

/** Options whose logger keeps what it was told, as { level, err message, attempt }. */
function options(logged: { level: number; error: string; attempt: number }[] = []) {
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        const { level, err, attempt } = JSON.parse(line);
        logged.push({ level, error: err.message, attempt });
      },
    },
  );
  return { logger, context: { topic: 't' }, firstDelayMs: 1, maxDelayMs: 4 };
}

describe('retryBatch', () => {
  it('runs the work once when it succeeds', async () => {
    let runs = 0;
    const c = control();
    await expect(retryBatch(c, async () => void (runs += 1), options())).resolves.toBe(true);
    expect(runs).toBe(1);
    expect(c.heartbeats).toBe(0);
  });

  it('tries again after each failure, heartbeating in between, until the work succeeds', async () => {
    const logged: { level: number; error: string; attempt: number }[] = [];
    let runs = 0;
    const c = control();
    const done = await retryBatch(
      c,
      async () => {
        runs += 1;
        if (runs < 4) throw new Error(`down ${runs}`);
      },
      options(logged),
    );
    expect(done).toBe(true);
    expect(runs).toBe(4);
    expect(logged).toEqual([
      { level: 50, error: 'down 1', attempt: 1 },
      { level: 20, error: 'down 2', attempt: 2 },
      { level: 20, error: 'down 3', attempt: 3 },
    ]);
    expect(c.heartbeats).toBe(3);
  });

  it('waits twice as long after each failure, up to the cap', async () => {
    const delays: number[] = [];
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((
      fn: () => void,
      ms: number,
    ) => {
      delays.push(ms);
      fn();
      return 0 as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      let runs = 0;
      await retryBatch(
        control(),
        async () => {
          runs += 1;
          if (runs < 7) throw new Error('down');
        },
        { logger: pino({ level: 'silent' }), context: {} },
      );
    } finally {
      setTimeoutSpy.mockRestore();
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it.each([
    ['the consumer stops', 'stopped'],
    ['the partition is sought elsewhere', 'stale'],
  ] as const)('gives the batch up when %s', async (_, how) => {
    let runs = 0;
    let lost = false;
    const c = control({
      isRunning: () => !(lost && how === 'stopped'),
      isStale: () => lost && how === 'stale',
    });
    const done = await retryBatch(
      c,
      async () => {
        runs += 1;
        lost = true;
        throw new Error('down');
      },
      options(),
    );
    expect(done).toBe(false);
    expect(runs).toBe(1);
  });

  it('keeps the consumer in its group by heartbeating while slow work runs', async () => {
    const c = control();
    await retryBatch(c, () => new Promise((r) => setTimeout(r, 3_500)), options());
    expect(c.heartbeats).toBe(3);
  });

  it('carries on with the work when a heartbeat during it fails', async () => {
    let heartbeats = 0;
    const c = control({
      heartbeat: () => {
        heartbeats += 1;
        return Promise.reject(new Error('The group is rebalancing'));
      },
    });
    await expect(retryBatch(c, () => new Promise((r) => setTimeout(r, 1_500)), options())).resolves.toBe(
      true,
    );
    expect(heartbeats).toBe(1);
  });

  it('lets a failed heartbeat (a rebalance) through to kafkajs', async () => {
    const rebalancing = new Error('The group is rebalancing');
    const c = control({ heartbeat: () => Promise.reject(rebalancing) });
    await expect(retryBatch(c, () => Promise.reject(new Error('down')), options())).rejects.toBe(rebalancing);
  });
});
