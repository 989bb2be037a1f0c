import { PartitionOffsets } from './partition-offsets';

describe('PartitionOffsets', () => {
  it('has nothing to commit before any message', () => {
    expect(new PartitionOffsets().takeCommittable()).toBeUndefined();
  });

  it('commits only below the lowest unfinished offset when work completes out of order', () => {
    const offsets = new PartitionOffsets();
    for (const o of ['10', '11', '12', '13']) offsets.track(o);
    offsets.complete('12');
    offsets.complete('13');
    expect(offsets.takeCommittable()).toBe('10');
    offsets.complete('10');
    expect(offsets.takeCommittable()).toBe('11');
    offsets.complete('11');
    expect(offsets.takeCommittable()).toBe('14');
    expect(offsets.inFlight).toBe(0);
  });

  it('reports a committable offset once, until it moves', () => {
    const offsets = new PartitionOffsets();
    offsets.track('5');
    offsets.complete('5');
    expect(offsets.takeCommittable()).toBe('6');
    expect(offsets.takeCommittable()).toBeUndefined();
    offsets.track('6');
    expect(offsets.takeCommittable()).toBeUndefined();
    offsets.complete('6');
    expect(offsets.takeCommittable()).toBe('7');
  });

  it('tells which offsets are still in flight', () => {
    const offsets = new PartitionOffsets();
    offsets.track('7');
    expect(offsets.isPending('7')).toBe(true);
    expect(offsets.isPending('8')).toBe(false);
    offsets.complete('7');
    expect(offsets.isPending('7')).toBe(false);
  });

  it('handles offsets beyond the safe integer range', () => {
    const offsets = new PartitionOffsets();
    offsets.track('9007199254740993');
    offsets.complete('9007199254740993');
    expect(offsets.takeCommittable()).toBe('9007199254740994');
  });

  it('moves the commit point back to the first offset of an abandoned batch', () => {
    const offsets = new PartitionOffsets();
    offsets.track('3');
    offsets.complete('3');
    for (const o of ['4', '5', '6']) offsets.track(o);
    offsets.untrack(['4', '5', '6']);
    expect(offsets.inFlight).toBe(0);
    expect(offsets.isPending('5')).toBe(false);
    expect(offsets.takeCommittable()).toBe('4');
  });
});
