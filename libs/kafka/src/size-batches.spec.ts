import { sizeBatches } from './size-batches';

type Size = number | string | null;

const of = (...sizes: Size[]) =>
  sizes.map((size, i) => ({ id: i, value: typeof size === 'number' ? Buffer.alloc(size) : size }));
const ids = (batches: { id: number }[][]) => batches.map((batch) => batch.map((m) => m.id));

describe('sizeBatches', () => {
  it.each<[string, Size[], number[][]]>([
    ['nothing', [], []],
    ['all in one when they fit', [100, 200, 300], [[0, 1, 2]]],
    ['a new batch when the next would not fit', [600, 300, 200], [[0, 1], [2]]],
    ['a message over the limit alone', [100, 2_000, 100], [[0], [1], [2]]],
    ['exactly the limit in one', [500, 500], [[0, 1]]],
    ['messages without a value count as empty', [null, 1_000, null], [[0, 1, 2]]],
    ['string values by their UTF-8 bytes', ['é'.repeat(300), 'é'.repeat(300)], [[0], [1]]],
  ])('%s', (_case, sizes, expected) => {
    expect(ids(sizeBatches(of(...sizes), 1_000))).toEqual(expected);
  });

  it('counts the encoded bytes of keys with those of values', () => {
    const messages = [
      { id: 0, key: 'ü'.repeat(100), value: Buffer.alloc(400) },
      { id: 1, key: Buffer.alloc(200), value: 'x'.repeat(200) },
      { id: 2, key: null, value: Buffer.alloc(1) },
    ];
    expect(ids(sizeBatches(messages, 1_000))).toEqual([[0, 1], [2]]);
  });

  it('counts header names and values too (trace context), repeated values each', () => {
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const messages = [
      { id: 0, value: Buffer.alloc(400), headers: { traceparent, tracestate: 'v'.repeat(300) } },
      {
        id: 1,
        value: Buffer.alloc(100),
        headers: { traceparent: Buffer.from(traceparent), tag: ['x', 'y'] },
      },
      { id: 2, value: Buffer.alloc(1), headers: { empty: undefined } },
    ];
    // 400 + 11 + 55 + 10 + 300 = 776; 100 + 11 + 55 + 3 + 2 = 171: the second no longer fits beside the first.
    expect(ids(sizeBatches(messages, 900))).toEqual([[0], [1, 2]]);
  });
});
