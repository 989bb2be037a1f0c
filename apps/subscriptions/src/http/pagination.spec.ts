import { z } from 'zod';
import { encodeCursor, pageQuery, toPage } from './pagination';

const query = z.strictObject(pageQuery);
const row = (i: number) => ({ id: `r${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });

describe('cursor pagination', () => {
  it('reads back the position it wrote', () => {
    const position = row(5);
    expect(query.parse({ cursor: encodeCursor(position) }).cursor).toEqual(position);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['JSON of something else', Buffer.from('{"x":1}').toString('base64url')],
    ['a bad date', Buffer.from('{"t":"yesterday","i":"a"}').toString('base64url')],
    ['too long', 'a'.repeat(201)],
  ])('rejects a cursor that is %s', (_label, cursor) => {
    const result = query.safeParse({ cursor });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['cursor']);
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

  it('gives a next cursor only when a row beyond the page was fetched', () => {
    const rows = [row(3), row(2), row(1)];
    const full = toPage(rows, 2, (r) => r.id);
    expect(full.data).toEqual(['r3', 'r2']);
    expect(query.parse({ cursor: full.next_cursor }).cursor).toEqual(row(2));
    expect(toPage(rows, 3, (r) => r.id).next_cursor).toBeNull();
  });
});
