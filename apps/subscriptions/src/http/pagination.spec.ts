import { z } from 'zod';
import { pageQuery, toPage } from './pagination';

const query = z.strictObject(pageQuery);
const row = (i: number) => ({ id: `r${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });

describe('cursor pagination', () => {
  it('rejects a cursor it did not write, naming the parameter', () => {
    expect(query.safeParse({ cursor: 'garbage' }).error?.issues.map((issue) => issue.path)).toEqual([
      ['cursor'],
    ]);
  });

  it.each([
    ['0', false],
    ['101', false],
    ['2.5', false],
    ['x', false],
    ['100', true],
  ])('limit=%s is accepted: %s', (limit, ok) => {
    expect(query.safeParse({ limit }).success).toBe(ok);
  });

  it('gives a next cursor, at the last row shown, only when a row beyond the page was fetched', () => {
    const rows = [row(3), row(2), row(1)];
    const full = toPage(rows, 2, (r) => r.id);
    expect(full.data).toEqual(['r3', 'r2']);
    expect(query.parse({ cursor: full.next_cursor }).cursor).toEqual({ at: row(2).createdAt, id: 'r2' });
    expect(toPage(rows, 3, (r) => r.id).next_cursor).toBeNull();
  });
});
