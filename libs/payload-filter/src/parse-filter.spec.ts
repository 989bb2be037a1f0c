import { FILTER_LIMITS, type FilterLocation } from './filter-syntax';
import { parseFilter } from './parse-filter';

function problemsOf(source: unknown): [FilterLocation, string][] {
  const parsed = parseFilter(source);
  return parsed.ok ? [] : parsed.problems.map((p) => [p.at, p.message]);
}

/** `depth` `$not`s inside one another around one condition. */
function negations(depth: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { 'data.a': 1 };
  for (let i = 0; i < depth; i++) filter = { $not: filter };
  return filter;
}

describe('parseFilter: each bad part, where it is', () => {
  it.each([
    ['a string', 'data.total', [[[], expect.stringMatching(/^must be an object of conditions/)]]],
    ['null', null, [[[], expect.stringMatching(/^must be an object/)]]],
    ['an array', [{ 'data.a': 1 }], [[[], expect.stringMatching(/^must be an object/)]]],
    ['an empty object', {}, [[[], 'must hold at least one condition']]],
    [
      'a path outside the event',
      { total: 1 },
      [[['total'], expect.stringMatching(/^field path is not part of the event/)]],
    ],
    [
      'a field of event',
      { 'event.type': 'x' },
      [[['event.type'], 'field path event is the event type, a string: it has no fields']],
    ],
    [
      'all of data',
      { data: { $exists: true } },
      [[['data'], expect.stringMatching(/^field path names all of data/)]],
    ],
    [
      'an empty segment',
      { 'data..total': 1 },
      [[['data..total'], expect.stringMatching(/^field path has an empty segment/)]],
    ],
    [
      'eleven segments',
      { 'data.a.b.c.d.e.f.g.h.i.j': 1 },
      [[['data.a.b.c.d.e.f.g.h.i.j'], 'field path has 11 segments; at most 10']],
    ],
    [
      'a NUL in a path',
      { 'data.a\u0000': 1 },
      [[['data.a\u0000'], 'field path must not contain U+0000 (NUL)']],
    ],
    [
      'an unknown field operator',
      { 'data.a': { $regex: '^a' } },
      [[['data.a', '$regex'], expect.stringMatching(/^unknown operator; use one of \$eq/)]],
    ],
    [
      'a field operator outside a field',
      { $eq: 1 },
      [[['$eq'], '$eq applies to a field, as in {"data.status": {"$eq": ...}}']],
    ],
    [
      'an unknown logical operator',
      { $nor: [{ 'data.a': 1 }] },
      [[['$nor'], expect.stringMatching(/^unknown operator \$nor/)]],
    ],
    [
      'an array as a value',
      { 'data.a': [1, 2] },
      [[['data.a'], 'use {"$in": [...]} to match one of several values']],
    ],
    [
      'no operator',
      { 'data.a': {} },
      [[['data.a'], expect.stringMatching(/^must hold at least one operator/)]],
    ],
    [
      'an object to compare with',
      { 'data.a': { $eq: { b: 1 } } },
      [[['data.a', '$eq'], 'must be a string, a number, a boolean or null']],
    ],
    ['an infinite number', { 'data.a': { $lt: Infinity } }, [[['data.a', '$lt'], 'must be a finite number']]],
    [
      'a boolean to order by',
      { 'data.a': { $gt: true } },
      [[['data.a', '$gt'], expect.stringMatching(/^must be a number or a string/)]],
    ],
    [
      'a lone surrogate',
      { 'data.a': '\ud800' },
      [[['data.a'], 'must not contain an unpaired UTF-16 surrogate']],
    ],
    [
      '$in of a string',
      { 'data.a': { $in: 'EUR' } },
      [[['data.a', '$in'], expect.stringMatching(/^must be a non-empty array/)]],
    ],
    [
      'an empty $nin',
      { 'data.a': { $nin: [] } },
      [[['data.a', '$nin'], expect.stringMatching(/^must be a non-empty array/)]],
    ],
    [
      'an object in $in',
      { 'data.a': { $in: ['EUR', { b: 1 }, 'USD', [1]] } },
      [
        [['data.a', '$in', 1], 'must be a string, a number, a boolean or null'],
        [['data.a', '$in', 3], 'must be a string, a number, a boolean or null'],
      ],
    ],
    [
      '$exists of a string',
      { 'data.a': { $exists: 'yes' } },
      [[['data.a', '$exists'], 'must be true or false']],
    ],
    [
      'an empty prefix',
      { 'data.a': { $prefix: '' } },
      [[['data.a', '$prefix'], 'must be a non-empty string']],
    ],
    [
      'a numeric suffix',
      { 'data.a': { $suffix: 5 } },
      [[['data.a', '$suffix'], 'must be a non-empty string']],
    ],
    ['an empty $or', { $or: [] }, [[['$or'], 'must be a non-empty array of objects of conditions']]],
    [
      '$and of an object',
      { $and: { 'data.a': 1 } },
      [[['$and'], 'must be a non-empty array of objects of conditions']],
    ],
    [
      'a string among alternatives',
      { $or: [{ 'data.a': 1 }, 'data.b'] },
      [[['$or', 1], 'must be an object of conditions']],
    ],
    [
      'an empty alternative',
      { $or: [{ 'data.a': 1 }, {}] },
      [[['$or', 1], 'must hold at least one condition']],
    ],
    ['$not of an array', { $not: [{ 'data.a': 1 }] }, [[['$not'], 'must be an object of conditions']]],
    [
      'six nested logical operators',
      negations(6),
      [[Array(6).fill('$not'), '$and, $or and $not nest at most 5 deep']],
    ],
  ])('%s', (_label, source, expected) => {
    expect(problemsOf(source)).toEqual(expected);
  });

  it('reports every bad part of one filter at once', () => {
    const filter = {
      'data.total': { $gte: '100', $foo: 1 },
      $or: [{ 'data.region': { $in: [] } }, { region: 'EU' }],
      $not: { 'data.status': { $exists: 1 } },
    };
    expect(problemsOf(filter).map(([at]) => at)).toEqual([
      ['data.total', '$foo'],
      ['$or', 0, 'data.region', '$in'],
      ['$or', 1, 'region'],
      ['$not', 'data.status', '$exists'],
    ]);
  });

  it('accepts five nested logical operators', () => {
    expect(problemsOf(negations(5))).toEqual([]);
  });
});

describe('parseFilter: limits', () => {
  const conditions = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`data.f${i}`, i]));

  it(`takes ${FILTER_LIMITS.maxConditions} conditions and refuses one more`, () => {
    expect(problemsOf(conditions(FILTER_LIMITS.maxConditions))).toEqual([]);
    expect(problemsOf(conditions(FILTER_LIMITS.maxConditions + 1))).toEqual([
      [[], 'has 51 conditions; at most 50'],
    ]);
  });

  it('counts every operator of a field and every alternative', () => {
    const filter = { $or: Array.from({ length: 26 }, (_, i) => ({ [`data.f${i}`]: { $gt: 0, $lt: 9 } })) };
    expect(problemsOf(filter)).toEqual([[[], 'has 52 conditions; at most 50']]);
  });

  it(`takes ${FILTER_LIMITS.maxListValues} values in a list and refuses one more`, () => {
    const values = (count: number) => Array.from({ length: count }, (_, i) => `R${i}`);
    expect(problemsOf({ 'data.region': { $in: values(100) } })).toEqual([]);
    expect(problemsOf({ 'data.region': { $in: values(101) } })).toEqual([
      [['data.region', '$in'], 'has 101 values; at most 100'],
    ]);
  });

  it(`refuses more than ${FILTER_LIMITS.maxBytes} bytes of JSON, counted in UTF-8`, () => {
    // {"data.a":"…"} is 13 bytes around the text; "é" is 2 bytes: 13 + 2 × 4089 + 1 = 8192.
    const text = `${'é'.repeat(4089)}x`;
    expect(problemsOf({ 'data.a': text })).toEqual([]);
    expect(problemsOf({ 'data.a': `${text}x` })).toEqual([[[], 'is longer than 8192 bytes of JSON']]);
  });

  it('refuses a filter nested far beyond any stack without walking it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(problemsOf({ 'data.a': { $in: deep } })).toEqual([[[], 'is longer than 8192 bytes of JSON']]);
  });
});
