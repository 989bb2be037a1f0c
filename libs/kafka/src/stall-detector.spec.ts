import { StallDetector, type PartitionPosition } from './stall-detector';

const at = (key: string, committed: number | null, end: number, start = 0): PartitionPosition => ({
  key,
  committed: committed === null ? null : BigInt(committed),
  start: BigInt(start),
  end: BigInt(end),
});

describe('StallDetector', () => {
  it('reports a partition whose committed offset stands still while messages wait, once the time is up', () => {
    const detector = new StallDetector(1_000);
    expect(detector.observe([at('t:0', 5, 10)], 0)).toEqual([]);
    expect(detector.observe([at('t:0', 5, 12)], 999)).toEqual([]);
    expect(detector.observe([at('t:0', 5, 12)], 1_000)).toEqual(['t:0']);
  });

  it('starts the clock again whenever the committed offset moves', () => {
    const detector = new StallDetector(1_000);
    detector.observe([at('t:0', 5, 10)], 0);
    expect(detector.observe([at('t:0', 6, 10)], 900)).toEqual([]);
    expect(detector.observe([at('t:0', 6, 10)], 1_800)).toEqual([]);
    expect(detector.observe([at('t:0', 6, 10)], 1_900)).toEqual(['t:0']);
  });

  it('never reports an idle partition, however long it stays idle', () => {
    const detector = new StallDetector(1_000);
    detector.observe([at('t:0', 10, 10)], 0);
    expect(detector.observe([at('t:0', 10, 10)], 60_000)).toEqual([]);
    // Input arriving after a long idle period gets the whole time before it counts as stalled.
    expect(detector.observe([at('t:0', 10, 11)], 61_000)).toEqual([]);
    expect(detector.observe([at('t:0', 10, 11)], 61_999)).toEqual([]);
    expect(detector.observe([at('t:0', 10, 11)], 62_000)).toEqual(['t:0']);
  });

  it('reads a group that never committed from the start of the log', () => {
    const detector = new StallDetector(1_000);
    // Empty, or emptied by retention: nothing waits.
    detector.observe([at('t:0', null, 0), at('t:1', null, 4, 4)], 0);
    expect(detector.observe([at('t:0', null, 0), at('t:1', null, 4, 4)], 5_000)).toEqual([]);
    detector.observe([at('t:0', null, 0), at('t:1', null, 5, 4)], 6_000);
    expect(detector.observe([at('t:0', null, 0), at('t:1', null, 5, 4)], 7_000)).toEqual(['t:1']);
  });

  it('judges each partition on its own and forgets the ones no longer held', () => {
    const detector = new StallDetector(1_000);
    detector.observe([at('t:0', 1, 5), at('t:1', 1, 5)], 0);
    expect(detector.observe([at('t:0', 1, 5), at('t:1', 3, 5)], 1_000)).toEqual(['t:0']);
    expect(detector.observe([at('t:1', 3, 5)], 2_000)).toEqual(['t:1']);
    // Handed back later: judged afresh.
    expect(detector.observe([at('t:0', 1, 5), at('t:1', 5, 5)], 2_500)).toEqual([]);
  });

  it('handles offsets past 2^53 exactly', () => {
    const detector = new StallDetector(1_000);
    const big = 2n ** 60n;
    const position = (committed: bigint): PartitionPosition => ({
      key: 't:0',
      committed,
      start: 0n,
      end: big + 10n,
    });
    detector.observe([position(big + 1n)], 0);
    expect(detector.observe([position(big + 2n)], 1_000)).toEqual([]);
    expect(detector.observe([position(big + 2n)], 2_000)).toEqual(['t:0']);
  });
});
