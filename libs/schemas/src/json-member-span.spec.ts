import fc from 'fast-check';
import { jsonMemberSpan } from './json-member-span';

const dataOf = (text: string) => {
  const span = jsonMemberSpan(text, 'data');
  return span && text.slice(span.start, span.end);
};

describe('jsonMemberSpan', () => {
  it.each([
    ['a plain member', '{"data":{"a":1}}', '{"a":1}'],
    ['whitespace everywhere', ' \r\n{ "id" : 1 ,\t"data"\n:\n[ 1 , 2 ]\r\n} \n', '[ 1 , 2 ]'],
    ['the last of duplicate members', '{"data":1,"x":2,"data":{"b":3}}', '{"b":3}'],
    ['a name written with escapes', '{"d\\u0061ta":"yes","dat":"no"}', '"yes"'],
    ['an escaped quote before it', '{"a":"\\"data\\":0","data":true}', 'true'],
    ['a backslash ending a string', '{"a":"\\\\","data":null}', 'null'],
    ['brackets inside strings', '{"a":"}]{[","data":{"b":"}","c":["]"]}}', '{"b":"}","c":["]"]}'],
    ['nested members of that name', '{"x":{"data":1},"y":[{"data":2}],"data":3}', '3'],
    [
      'number forms and escapes as written',
      '{"data":{"10":1.0,"2":1e2,"s":"\\u00e9"}}',
      '{"10":1.0,"2":1e2,"s":"\\u00e9"}',
    ],
    ['text beyond the BMP', '{"🐄":"🥛","data":"🐄"}', '"🐄"'],
    ['a member that is a string', '{"data":"{"}', '"{"'],
    ['a negative number last', '{"data":-0.5}', '-0.5'],
  ])('finds %s', (_case, text, expected) => {
    expect(dataOf(text)).toBe(expected);
  });

  it.each([
    ['an empty object', '{}'],
    ['an object without it', '{"dat":1,"Data":2,"data ":3}'],
    ['an object with it only nested', '{"x":{"data":1}}'],
    ['an array', '[{"data":1}]'],
    ['a string', '"{\\"data\\":1}"'],
    ['a number', '1'],
  ])('finds nothing in %s', (_case, text) => {
    expect(jsonMemberSpan(text, 'data')).toBeUndefined();
  });

  it.each([
    ['a truncated object', '{"data":{"a":1}'],
    ['an unterminated string', '{"data":"abc'],
    ['a missing colon', '{"data" 1}'],
  ])('throws on %s', (_case, text) => {
    expect(() => jsonMemberSpan(text, 'data')).toThrow(SyntaxError);
  });

  // The oracle is JSON.parse: the span found must hold exactly the value it keeps for the member, and the
  // generator knows where it wrote that member, so the span is checked to the character too.
  it('finds the member JSON.parse keeps, exactly where it was written, in random JSON', () => {
    fc.assert(
      fc.property(
        whitespace,
        fc.array(member, { maxLength: 6 }),
        whitespace,
        whitespace,
        (lead, members, inner, trail) => {
          let text = `${lead}{`;
          let expected: { start: number; end: number } | undefined;
          members.forEach(({ name, value, spaces: [a, b, c, d] }, index) => {
            text += `${index === 0 ? '' : ','}${a}${name.text}${b}:${c}`;
            if (name.value === 'data') expected = { start: text.length, end: text.length + value.length };
            text += `${value}${d}`;
          });
          text += `${members.length === 0 ? inner : ''}}${trail}`;

          const parsed = JSON.parse(text) as Record<string, unknown>;
          expect(jsonMemberSpan(text, 'data')).toEqual(expected);
          if (expected) expect(JSON.parse(text.slice(expected.start, expected.end))).toEqual(parsed.data);
          else expect(Object.hasOwn(parsed, 'data')).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with JSON.parse on objects serialised by JSON.stringify, indented or not', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constant('data'), fc.string()), fc.jsonValue()),
        fc.constantFrom(undefined, 1, '\t'),
        (object, indent) => {
          const text = JSON.stringify(object, null, indent);
          const span = jsonMemberSpan(text, 'data');
          expect(span === undefined).toBe(!Object.hasOwn(object, 'data'));
          if (span) expect(JSON.parse(text.slice(span.start, span.end))).toEqual(JSON.parse(text).data);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds nothing in any JSON text that is not an object', () => {
    fc.assert(
      fc.property(
        fc.json().filter((text) => !text.startsWith('{')),
        (text) => expect(jsonMemberSpan(text, 'data')).toBeUndefined(),
      ),
    );
  });
});

// A generator of JSON texts that exercise the ways one value can be written: whitespace between tokens,
// each character of a string plain or escaped (short, \u lower or upper case), numbers in several forms.

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 2 });

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const unicodeEscape = (char: string, upper: boolean) =>
  [...Array(char.length).keys()]
    .map((i) => {
      const hex = char.charCodeAt(i).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    })
    .join('');

function writeChar(char: string, how: number): string {
  const mustEscape = char === '"' || char === '\\' || char < ' ';
  if (how === 0 && !mustEscape) return char;
  if (how <= 1 && SHORT_ESCAPES[char] !== undefined) return SHORT_ESCAPES[char];
  return unicodeEscape(char, how === 3);
}

/** One string, written in any of its JSON spellings. */
const stringLiteral = (value: string) => {
  const chars = [...value];
  return fc
    .array(fc.nat(3), { minLength: chars.length, maxLength: chars.length })
    .map((hows) => ({ value, text: `"${chars.map((char, i) => writeChar(char, hows[i])).join('')}"` }));
};

const stringChar = fc.oneof(
  fc.constantFrom(...Object.keys(SHORT_ESCAPES), '{', '}', '[', ']', ',', ':', 'é', '\u2028', '🐄', '\u0000'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const anyString = fc.string({ unit: stringChar, maxLength: 8 }).chain(stringLiteral);

const number = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1.0',
    '1e0',
    '10E-1',
    '-2.50',
    '1E+2',
    '123456789012345678901234567890',
    '1e400',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
);

const { value } = fc.letrec<{ value: string; leaf: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(
    number,
    fc.constantFrom('true', 'false', 'null'),
    anyString.map((s) => s.text),
  ),
  array: fc
    .tuple(whitespace, fc.array(fc.tuple(whitespace, tie('value'), whitespace), { maxLength: 4 }))
    .map(
      ([empty, items]) => `[${items.length === 0 ? empty : items.map((item) => item.join('')).join(',')}]`,
    ),
  object: fc
    .tuple(
      whitespace,
      fc.array(fc.tuple(whitespace, fc.oneof(stringLiteral('data'), anyString), whitespace, tie('value')), {
        maxLength: 4,
      }),
    )
    .map(
      ([empty, members]) =>
        `{${members.length === 0 ? empty : members.map(([a, name, b, v]) => `${a}${name.text}${b}:${v}`).join(',')}}`,
    ),
}));

/** A top-level member: often named "data" (in any spelling), sometimes a near miss or anything. */
const member = fc.record({
  name: fc.oneof(
    stringLiteral('data'),
    fc.constantFrom('dat', 'datas', 'Data', 'data ', '__proto__', '').chain(stringLiteral),
    anyString,
  ),
  value,
  spaces: fc.tuple(whitespace, whitespace, whitespace, whitespace),
});
