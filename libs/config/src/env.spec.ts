import { positiveIntList } from './env';

describe('positiveIntList', () => {
  const list = positiveIntList([10, 100, 1000]);

  it.each<[string | undefined, number[]]>([
    [undefined, [10, 100, 1000]],
    ['5', [5]],
    ['100, 10,1000', [10, 100, 1000]],
    ['3,3,1', [1, 3]],
  ])('reads %j as %j', (value, expected) => {
    expect(list.parse(value)).toEqual(expected);
  });

  it.each(['', '10,', 'ten', '0', '-5', '2.5'])('refuses %j', (value) => {
    expect(list.safeParse(value).success).toBe(false);
  });
});
