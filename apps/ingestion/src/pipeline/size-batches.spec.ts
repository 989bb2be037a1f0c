import { sizeBatches } from './size-batches';

const of = (...sizes: (number | null)[]) =>
  sizes.map((size, i) => ({ id: i, value: size === null ? null : Buffer.alloc(size) }));
const ids = (batches: { id: number }[][]) => batches.map((batch) => batch.map((m) => m.id));

describe('sizeBatches', () => {
  it.each<[string, (number | null)[], number[][]]>([
    ['nothing', [], []],
    ['all in one when they fit', [100, 200, 300], [[0, 1, 2]]],
    ['a new batch when the next would not fit', [600, 300, 200], [[0, 1], [2]]],
    ['a message over the limit alone', [100, 2_000, 100], [[0], [1], [2]]],
    ['exactly the limit in one', [500, 500], [[0, 1]]],
    ['messages without a value count as empty', [null, 1_000, null], [[0, 1, 2]]],
  ])('%s', (_case, sizes, expected) => {
    expect(ids(sizeBatches(of(...sizes), 1_000))).toEqual(expected);
  });
});
