import { formatPath } from './problem';

describe('formatPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['timestamp'], 'timestamp'],
    [['data', 'items', 0, 'quantity'], 'data.items[0].quantity'],
    [['data', 'items', 12], 'data.items[12]'],
    [['data', 'unit price'], 'data["unit price"]'],
    [['data', '2fa'], 'data["2fa"]'],
    [['weird"key'], '["weird\\"key"]'],
  ])('formats %j as %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
