import { DispatchQueue, type Priority, type QueuedJob } from './dispatch-queue';

/** A job whose completion the test controls. */
function controllable(
  endpointId: string,
  priority: Priority,
  log: string[],
  ratePerSecond: number | null = null,
) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const job: QueuedJob = {
    endpointId,
    priority,
    ratePerSecond,
    run: () => {
      log.push(`${endpointId}:${priority}`);
      return done;
    },
    shed: () => log.push(`shed ${endpointId}:${priority}`),
  };
  return { job, finish };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('DispatchQueue', () => {
  it('never runs more than the endpoint limit for one endpoint, while others proceed', async () => {
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 100, endpointLimit: 2 });
    const slow = [1, 2, 3, 4].map(() => controllable('slow', 'high', log));
    const fast = [1, 2, 3].map(() => controllable('fast', 'high', log));
    for (const { job } of [...slow, ...fast]) queue.submit(job);
    expect(log.filter((l) => l.startsWith('slow'))).toHaveLength(2);
    expect(log.filter((l) => l.startsWith('fast'))).toHaveLength(2);
    fast[0]!.finish();
    fast[1]!.finish();
    await flush();
    expect(log.filter((l) => l.startsWith('fast'))).toHaveLength(3);
    expect(log.filter((l) => l.startsWith('slow'))).toHaveLength(2);
    slow[0]!.finish();
    await flush();
    expect(log.filter((l) => l.startsWith('slow'))).toHaveLength(3);
  });

  it('starts high before medium before low when slots are scarce', async () => {
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 1, endpointLimit: 10 });
    const blocker = controllable('a', 'low', log);
    queue.submit(blocker.job);
    const low = controllable('b', 'low', log);
    const medium = controllable('c', 'medium', log);
    const high = controllable('d', 'high', log);
    queue.submit(low.job);
    queue.submit(medium.job);
    queue.submit(high.job);
    blocker.finish();
    await flush();
    high.finish();
    await flush();
    medium.finish();
    await flush();
    expect(log).toEqual(['a:low', 'd:high', 'c:medium', 'b:low']);
  });

  it('serves endpoints round-robin within a priority', async () => {
    const log: string[] = [];
    const started: (() => void)[] = [];
    const queue = new DispatchQueue({ globalLimit: 1, endpointLimit: 10 });
    // 'z' holds the only slot while the others queue up.
    for (const id of ['z', 'x', 'x', 'x', 'y', 'y']) {
      queue.submit({
        endpointId: id,
        priority: 'medium',
        ratePerSecond: null,
        run: () => {
          log.push(id);
          return new Promise<void>((resolve) => started.push(resolve));
        },
        shed: () => undefined,
      });
    }
    for (let i = 0; i < 6; i++) {
      started[i]?.();
      await flush();
    }
    expect(log).toEqual(['z', 'x', 'y', 'x', 'y', 'x']);
  });

  it('spaces requests to an endpoint by its rate limit', async () => {
    let now = 1_000;
    const log: string[] = [];
    jest.useFakeTimers({ now });
    try {
      const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 10, now: () => now });
      for (let i = 0; i < 3; i++) {
        const { job, finish } = controllable('limited', 'high', log, 2);
        queue.submit(job);
        finish();
      }
      expect(log).toHaveLength(1);
      now += 500;
      jest.advanceTimersByTime(500);
      expect(log).toHaveLength(2);
      now += 500;
      jest.advanceTimersByTime(500);
      expect(log).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sheds every waiting job of an endpoint that finishes nothing once one has waited too long', async () => {
    let now = 0;
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 1, now: () => now });
    const hanging = controllable('hanging', 'high', log);
    queue.submit(hanging.job);
    queue.submit(controllable('hanging', 'high', log).job);
    queue.submit(controllable('hanging', 'low', log).job);
    now = 5_000;
    queue.submit(controllable('hanging', 'high', log).job);
    const healthy = controllable('healthy', 'high', log);
    queue.submit(healthy.job);
    now = 6_000;
    // The young job is shed with the old ones: it would have waited behind them as long.
    expect(queue.shedStalled(4_000)).toBe(3);
    expect(log).toEqual([
      'hanging:high',
      'healthy:high',
      'shed hanging:high',
      'shed hanging:high',
      'shed hanging:low',
    ]);
    expect(queue.size).toEqual({ running: 2, queued: 0 });
    // The running job is untouched, and the endpoint takes new jobs once its slot frees.
    hanging.finish();
    await flush();
    queue.submit(controllable('hanging', 'low', log).job);
    expect(log.at(-1)).toBe('hanging:low');
  });

  it('waits for a long waiter before shedding, then sheds what arrives while the endpoint stays behind', () => {
    let now = 0;
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 1, now: () => now });
    queue.submit(controllable('hanging', 'high', log).job);
    queue.submit(controllable('hanging', 'high', log).job);
    now = 1_000;
    // Behind, but nothing has waited 4 s yet: a burst it may still clear.
    expect(queue.shedStalled(4_000)).toBe(0);
    now = 5_500;
    expect(queue.shedStalled(4_000)).toBe(1);
    // Still finishing nothing: a new job is shed at the next call, not 4 s later.
    queue.submit(controllable('hanging', 'medium', log).job);
    now = 6_500;
    expect(queue.shedStalled(4_000)).toBe(1);
    expect(log).toEqual(['hanging:high', 'shed hanging:high', 'shed hanging:medium']);
  });

  it('keeps the jobs its pace starts within the wait, in the order they run, and sheds the rest', async () => {
    let now = 0;
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 1, now: () => now });
    const first = controllable('slow', 'high', log);
    const second = controllable('slow', 'high', log);
    queue.submit(first.job);
    queue.submit(second.job);
    for (let i = 0; i < 3; i++) queue.submit(controllable('slow', 'high', log).job);
    for (let i = 0; i < 8; i++) queue.submit(controllable('slow', 'low', log).job);
    expect(queue.shedStalled(4_000)).toBe(0);
    first.finish();
    await flush();
    second.finish();
    await flush();
    now = 1_000;
    // Two finished in 1 s, so eight of the ten waiting start within 4 s: both high ones and six low.
    expect(queue.shedStalled(4_000)).toBe(2);
    expect(log.filter((l) => l.startsWith('shed'))).toEqual(['shed slow:low', 'shed slow:low']);
    expect(queue.size).toEqual({ running: 1, queued: 8 });
  });

  it('leaves long waiters alone at an endpoint whose pace clears its backlog in time', async () => {
    let now = 0;
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 1, now: () => now });
    const jobs = Array.from({ length: 6 }, () => controllable('busy', 'high', log));
    for (const { job } of jobs) queue.submit(job);
    now = 5_000;
    // Three finish in the first 6 s: at that pace (two per 4 s) the two still waiting clear in time.
    for (const { finish } of jobs.slice(0, 3)) {
      finish();
      await flush();
    }
    now = 6_000;
    expect(queue.shedStalled(4_000)).toBe(0);
    // The next second it finishes none: the same backlog is now stalled.
    now = 7_000;
    expect(queue.shedStalled(4_000)).toBe(2);
    expect(log.filter((l) => l.startsWith('shed'))).toHaveLength(2);
  });

  it('keeps the rate slot of an idle endpoint: a job arriving one at a time still waits its turn', async () => {
    let now = 1_000;
    const log: string[] = [];
    jest.useFakeTimers({ now });
    try {
      const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 10, now: () => now });
      const first = controllable('limited', 'high', log, 20);
      queue.submit(first.job);
      first.finish();
      // Fake timers hold setImmediate back: let the finished job's callbacks run.
      for (let tick = 0; tick < 5; tick++) await Promise.resolve();
      // Idle now, 10 ms later: the next request is due 50 ms after the first, not at once.
      now += 10;
      jest.advanceTimersByTime(10);
      queue.submit(controllable('limited', 'high', log, 20).job);
      expect(log).toHaveLength(1);
      now += 40;
      jest.advanceTimersByTime(40);
      expect(log).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('starts nothing while paused and catches up on resume, leaving running jobs alone', async () => {
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 10 });
    const running = controllable('a', 'high', log);
    queue.submit(running.job);
    queue.pause();
    queue.submit(controllable('a', 'high', log).job);
    queue.submit(controllable('b', 'low', log).job);
    running.finish();
    await flush();
    expect(log).toEqual(['a:high']);
    expect(queue.size).toEqual({ running: 0, queued: 2 });
    queue.resume();
    expect(log).toEqual(['a:high', 'a:high', 'b:low']);
  });

  it('takes back the waiting jobs it is asked for, uncalled, and runs the rest', async () => {
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 10 });
    queue.pause();
    for (const id of ['lost', 'kept', 'lost']) queue.submit(controllable(id, 'medium', log).job);
    const taken = queue.takeBack((job) => job.endpointId === 'lost');
    expect(taken.map((j) => j.endpointId)).toEqual(['lost', 'lost']);
    expect(queue.size).toEqual({ running: 0, queued: 1 });
    queue.resume();
    expect(log).toEqual(['kept:medium']);
  });

  it('sheds nothing while paused, since a pause says nothing about the endpoints', () => {
    let now = 0;
    const log: string[] = [];
    const queue = new DispatchQueue({ globalLimit: 10, endpointLimit: 1, now: () => now });
    queue.pause();
    for (let i = 0; i < 3; i++) queue.submit(controllable('waiting', 'high', log).job);
    now = 10_000;
    expect(queue.shedStalled(4_000)).toBe(0);
    expect(log).toEqual([]);
  });
});
