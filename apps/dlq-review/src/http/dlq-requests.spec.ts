import { encodeCursor } from '@smart-dairy/pagination';
import { bulkSelectionSchema, listQuerySchema } from './dlq-requests';

const id = (c: string) => `dlq_${c.repeat(32)}`;

describe('bulk selection', () => {
  const paths = (value: unknown) =>
    bulkSelectionSchema.safeParse(value).error?.issues.map((i) => i.path.join('.'));

  it.each<[string, unknown, object]>([
    ['a list of ids', { ids: [id('a'), id('b')] }, { ids: [id('a'), id('b')] }],
    ['a filter', { filter: { subscription_id: 'wh_sub_1' } }, { filter: { subscription_id: 'wh_sub_1' } }],
    ['an empty filter, meaning every entry it may act on', { filter: {} }, { filter: {} }],
  ])('accepts %s', (_case, body, parsed) => {
    expect(bulkSelectionSchema.parse(body)).toEqual(parsed);
  });

  it.each<[string, unknown, string[]]>([
    ['neither ids nor filter', {}, ['']],
    ['both', { ids: [id('a')], filter: {} }, ['']],
    ['an empty id list', { ids: [] }, ['ids']],
    ['more than 10,000 ids', { ids: Array.from({ length: 10_001 }, () => id('a')) }, ['ids']],
    ['a delivery id instead of an entry id', { ids: [`wh_${'a'.repeat(32)}`] }, ['ids.0']],
    ['an unknown filter field', { filter: { review_status: 'pending' } }, ['filter']],
    ['an unknown top-level field', { ids: [id('a')], all: true }, ['']],
  ])('refuses %s', (_case, body, expected) => {
    expect(paths(body)).toEqual(expected);
  });
});

describe('list query', () => {
  it('coerces the page size and keeps the filter', () => {
    expect(listQuerySchema.parse({ status: 'pending', limit: '10' })).toEqual({
      status: 'pending',
      limit: 10,
    });
    expect(listQuerySchema.parse({})).toEqual({ limit: 50 });
  });

  it.each([['0'], ['201'], ['ten']])('refuses a page size of %s', (limit) => {
    expect(listQuerySchema.safeParse({ limit }).success).toBe(false);
  });

  it('reads a cursor as the position it holds, and refuses one this API did not make', () => {
    const position = { at: new Date('2026-03-02T06:15:02.123Z'), id: id('c') };
    expect(listQuerySchema.parse({ cursor: encodeCursor(position) }).cursor).toEqual(position);
    expect(listQuerySchema.safeParse({ cursor: 'nonsense' }).error?.issues.map((i) => i.path)).toEqual([
      ['cursor'],
    ]);
  });
});
