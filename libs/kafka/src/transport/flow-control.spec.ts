import { FlowControl } from './flow-control';

const p0 = { topic: 'deliveries.high', partition: 0 };
const p1 = { topic: 'deliveries.high', partition: 1 };
const offsets = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(from + i));

describe('FlowControl', () => {
  it('takes a whole batch that fits and pauses nothing', () => {
    const flow = new FlowControl({ partition: 10, process: 100 });
    const admission = flow.admit(p0, offsets(0, 5));
    expect(admission).toMatchObject({ taken: offsets(0, 5), fresh: offsets(0, 5), pause: false });
    expect(flow.unfinished).toBe(5);
    expect(flow.hasPaused).toBe(false);
  });

  it('pauses a partition at its own budget and takes only what fits', () => {
    const flow = new FlowControl({ partition: 4, process: 100 });
    const first = flow.admit(p0, offsets(0, 3));
    const second = flow.admit(p0, offsets(3, 3));
    expect(first.pause).toBe(false);
    expect(second).toMatchObject({ taken: ['3'], fresh: ['3'], pause: true });
    expect(flow.hasPaused).toBe(true);
    // Another partition is not held back by this one's budget.
    expect(flow.admit(p1, offsets(0, 3)).pause).toBe(false);
  });

  it('pauses every partition at the process budget', () => {
    const flow = new FlowControl({ partition: 10, process: 6 });
    flow.admit(p0, offsets(0, 4));
    const other = flow.admit(p1, offsets(0, 4));
    expect(other).toMatchObject({ taken: ['0', '1'], pause: true });
    expect(flow.admit(p0, offsets(4, 2))).toMatchObject({ taken: [], pause: true });
    expect(flow.unfinished).toBe(6);
  });

  it('resumes paused partitions only once both budgets are back under half', () => {
    const flow = new FlowControl({ partition: 4, process: 8 });
    const batch = flow.admit(p0, offsets(0, 6));
    expect(batch.pause).toBe(true);
    batch.complete('0');
    expect(flow.resumable()).toEqual([]); // 3 of 4 still in flight
    batch.complete('1');
    expect(flow.resumable()).toEqual([p0]);
    expect(flow.resumable()).toEqual([]); // handed out once
    expect(flow.hasPaused).toBe(false);
  });

  it('commits only below the lowest unfinished offset when messages finish out of order', () => {
    const flow = new FlowControl({ partition: 10, process: 10 });
    const batch = flow.admit(p0, offsets(100, 4));
    batch.complete('102');
    batch.complete('103');
    expect(flow.committable()).toEqual([{ ...p0, offset: '100' }]);
    batch.complete('100');
    expect(flow.committable()).toEqual([{ ...p0, offset: '101' }]);
    batch.complete('101');
    expect(flow.committable()).toEqual([{ ...p0, offset: '104' }]);
    expect(flow.committable()).toEqual([]);
    expect(flow.unfinished).toBe(0);
  });

  it('offers a failed commit again', () => {
    const flow = new FlowControl({ partition: 10, process: 10 });
    flow.admit(p0, ['7']).complete('7');
    const commits = flow.committable();
    expect(commits).toEqual([{ ...p0, offset: '8' }]);
    flow.commitFailed(commits);
    expect(flow.committable()).toEqual([{ ...p0, offset: '8' }]);
  });

  it('does not hand out again an offset still in flight from an earlier fetch', () => {
    const flow = new FlowControl({ partition: 10, process: 10 });
    flow.admit(p0, offsets(0, 3));
    const refetched = flow.admit(p0, offsets(0, 5));
    expect(refetched.taken).toEqual(offsets(0, 5));
    expect(refetched.fresh).toEqual(['3', '4']);
    expect(flow.unfinished).toBe(5);
  });

  it('counts a completion once', () => {
    const flow = new FlowControl({ partition: 10, process: 10 });
    const batch = flow.admit(p0, offsets(0, 2));
    batch.complete('0');
    batch.complete('0');
    expect(flow.unfinished).toBe(1);
  });

  it('gives an abandoned batch back: budget freed, commit point at its first offset', () => {
    const flow = new FlowControl({ partition: 10, process: 10 });
    flow.admit(p0, ['0']).complete('0');
    expect(flow.committable()).toEqual([{ ...p0, offset: '1' }]);
    const batch = flow.admit(p0, offsets(1, 3));
    batch.abandon();
    batch.complete('1'); // too late: it was given back
    expect(flow.unfinished).toBe(0);
    expect(flow.committable()).toEqual([]); // still 1: nothing of the batch may be skipped
    expect(flow.admit(p0, offsets(1, 3)).fresh).toEqual(offsets(1, 3));
  });

  it('forgets revoked partitions but still frees the budget their messages hold', () => {
    const flow = new FlowControl({ partition: 2, process: 10 });
    const batch = flow.admit(p0, offsets(0, 3));
    flow.admit(p1, ['0']);
    flow.retain([p1]);
    expect(flow.hasPaused).toBe(false);
    batch.complete('0');
    batch.complete('1');
    expect(flow.unfinished).toBe(1);
    expect(flow.committable()).toEqual([{ ...p1, offset: '0' }]);
  });
});
