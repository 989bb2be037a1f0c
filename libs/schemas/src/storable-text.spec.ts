import fc from 'fast-check';
import { z } from 'zod';
import { findUnstorableText, refineStorableText } from './storable-text';

const storable = z.string().superRefine(refineStorableText);
const messageOf = (value: string) => storable.safeParse(value).error?.issues[0]?.message;

describe('refineStorableText', () => {
  it.each([
    ['plain text', 'order 4821'],
    ['text beyond the BMP', 'cow \u{1F404} and milk \u{1F95B}'],
    ['the replacement character itself', '\uFFFD'],
    ['an empty string', ''],
  ])('accepts %s', (_case, value) => {
    expect(messageOf(value)).toBeUndefined();
  });

  it.each([
    ['NUL', 'a\u0000b', 'must not contain U+0000 (NUL)'],
    ['a lone high surrogate', '\ud800', 'must not contain an unpaired UTF-16 surrogate'],
    ['a lone low surrogate', 'x\udc00y', 'must not contain an unpaired UTF-16 surrogate'],
    ['a pair in the wrong order', '\udc00\ud800', 'must not contain an unpaired UTF-16 surrogate'],
    ['a high surrogate at the end', 'milk \u{1F95B}\ud83e', 'must not contain an unpaired UTF-16 surrogate'],
  ])('rejects %s', (_case, value, message) => {
    expect(messageOf(value)).toBe(message);
  });

  // UTF-8 has no form for an unpaired surrogate, so encoding replaces it: a round trip is the oracle.
  it('accepts exactly the strings without NUL that survive a UTF-8 round trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (value) => {
        const survives = Buffer.from(value, 'utf8').toString('utf8') === value;
        expect(messageOf(value) === undefined).toBe(survives && !value.includes('\u0000'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('findUnstorableText', () => {
  it('finds nothing in storable JSON', () => {
    expect(findUnstorableText({ a: ['x', 1, null, { b: true }] })).toBeUndefined();
  });

  it.each([
    ['a string', { note: '\ud800' }, 'note'],
    ['a key', { tags: { ['k\udc00']: 1 } }, 'tags["k\\udc00"]'],
    ['an array item', { tags: ['ok', { deep: 'a\u0000' }] }, 'tags[1].deep'],
  ])('names the path of %s Postgres would refuse', (_case, value, path) => {
    expect(findUnstorableText(value)?.path).toBe(path);
  });
});
