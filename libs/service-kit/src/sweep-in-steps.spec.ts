import { stepOf } from './retention-sweep';
import { sweepInSteps, type StepOutcome } from './sweep-in-steps';

/** A step function answering from a script, and recording the key each call started after. */
function scripted(...outcomes: StepOutcome[]) {
  const afters: (string[] | undefined)[] = [];
  const step = jest.fn(async (after: string[] | undefined) => {
    afters.push(after);
    const outcome = outcomes.shift();
    if (!outcome) throw new Error('stepped past the script');
    return outcome;
  });
  return { step, afters };
}

const running = () => new AbortController().signal;

describe('sweepInSteps', () => {
  it('walks on from each step’s last key until a step says nothing is left, and sums what was deleted', async () => {
    const { step, afters } = scripted(
      { deleted: 3, next: ['2026-01-01 00:00:00', 'a'] },
      { deleted: 0, next: ['2026-01-02 00:00:00', 'b'] },
      { deleted: 2 },
    );
    await expect(sweepInSteps(step, { pauseMs: 0, busyShare: 1, stopping: running() })).resolves.toEqual({
      deleted: 5,
      complete: true,
    });
    expect(afters).toEqual([undefined, ['2026-01-01 00:00:00', 'a'], ['2026-01-02 00:00:00', 'b']]);
  });

  it('ends, incomplete, when another replica holds the table', async () => {
    const { step } = scripted({ deleted: 4, next: ['k'] }, 'locked');
    await expect(sweepInSteps(step, { pauseMs: 0, busyShare: 1, stopping: running() })).resolves.toEqual({
      deleted: 4,
      complete: false,
    });
    expect(step).toHaveBeenCalledTimes(2);
  });

  it('takes no further step once the service stops', async () => {
    const stop = new AbortController();
    const step = jest.fn(async (): Promise<StepOutcome> => {
      stop.abort();
      return { deleted: 1, next: ['k'] };
    });
    await expect(sweepInSteps(step, { pauseMs: 0, busyShare: 1, stopping: stop.signal })).resolves.toEqual({
      deleted: 1,
      complete: false,
    });
    expect(step).toHaveBeenCalledTimes(1);
  });

  it('pauses between steps, not before the first or after the last', async () => {
    jest.useFakeTimers();
    try {
      const { step } = scripted({ deleted: 1, next: ['k'] }, { deleted: 1 });
      const sweep = sweepInSteps(step, { pauseMs: 1_000, busyShare: 1, stopping: running() });
      await jest.advanceTimersByTimeAsync(999);
      expect(step).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(sweep).resolves.toEqual({ deleted: 2, complete: true });
    } finally {
      jest.useRealTimers();
    }
  });

  it('pauses longer after a slow step, keeping the steps to their share of the time', async () => {
    jest.useFakeTimers();
    try {
      let clock = 0;
      const outcomes: StepOutcome[] = [{ deleted: 1, next: ['k'] }, { deleted: 1 }];
      const step = jest.fn(async () => {
        clock += 300;
        return outcomes.shift() as StepOutcome;
      });
      // A quarter of the time: after 300 ms busy, 900 ms of pause, more than the 50 ms floor.
      const sweep = sweepInSteps(step, {
        pauseMs: 50,
        busyShare: 0.25,
        stopping: running(),
        now: () => clock,
      });
      await jest.advanceTimersByTimeAsync(899);
      expect(step).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(sweep).resolves.toEqual({ deleted: 2, complete: true });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('stepOf', () => {
  it.each([
    [
      'a full window goes on after its last key',
      { deleted: 1, scanned: 3, last: ['k'] },
      { deleted: 1, next: ['k'] },
    ],
    ['a window short of the limit was the last', { deleted: 2, scanned: 2, last: ['k'] }, { deleted: 2 }],
    ['an empty window was the last', { deleted: 0, scanned: 0, last: null }, { deleted: 0 }],
  ])('%s', (_, row, step) => {
    expect(stepOf(row, 3)).toEqual(step);
  });
});
