import fc from 'fast-check';
import { jsonBytesUpTo } from './json-size';

describe('jsonBytesUpTo', () => {
  it('counts the UTF-8 bytes JSON.stringify writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonBytesUpTo(value, Number.POSITIVE_INFINITY)).toBe(
          Buffer.byteLength(JSON.stringify(value), 'utf8'),
        );
      }),
    );
  });

  it('passes the limit exactly when the JSON text does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(200), (value, limit) => {
        const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
        expect(jsonBytesUpTo(value, limit) > limit).toBe(bytes > limit);
      }),
    );
  });

  it('measures nesting deeper than JSON.stringify can take, without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonBytesUpTo(deep, Number.POSITIVE_INFINITY)).toBe(2 * 200_000 + 1);
  });
});
