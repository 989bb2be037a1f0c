import { z } from 'zod';
import { MAX_CURSOR_LENGTH, cursorParam, encodeCursor } from './page-cursor';

const query = z.strictObject({ cursor: cursorParam.optional() });
const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('page cursors', () => {
  it.each([
    ['a list entry', { at: new Date('2026-03-02T06:15:02.123Z'), id: `dlq_${'c'.repeat(32)}` }],
    [
      'the longest id with room',
      { at: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), id: 'x'.repeat(100) },
    ],
  ])('read back the position of %s to the millisecond', (_case, position) => {
    const cursor = encodeCursor(position);
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(query.parse({ cursor }).cursor).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['empty', ''],
    ['JSON of another shape', base64url('{"t":"2026-03-02T06:15:02.123Z","i":"a"}')],
    ['a position with a bad time', base64url('["yesterday","dlq_1"]')],
    ['a position without an id', base64url('["2026-03-02T06:15:02.123Z",""]')],
    ['a position with more than a time and an id', base64url('["2026-03-02T06:15:02.123Z","a","b"]')],
    ['too long', 'a'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuse a cursor that is %s with one issue on the parameter', (_case, cursor) => {
    expect(query.safeParse({ cursor }).error?.issues).toEqual([
      expect.objectContaining({ path: ['cursor'], message: 'not a cursor returned by this API' }),
    ]);
  });
});
