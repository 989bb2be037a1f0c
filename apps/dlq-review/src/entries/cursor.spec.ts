import { ValidationProblem } from '@smart-dairy/http-problem';
import { decodeCursor, encodeCursor } from './cursor';

describe('list cursors', () => {
  it('round-trip a position to the millisecond', () => {
    const position = { movedAt: new Date('2026-03-02T06:15:02.123Z'), id: `dlq_${'c'.repeat(32)}` };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON of another shape', Buffer.from('{"movedAt":1}').toString('base64url')],
    ['a tuple with a bad time', Buffer.from('["yesterday","dlq_1"]').toString('base64url')],
    ['a tuple without an id', Buffer.from('["2026-03-02T06:15:02.123Z",""]').toString('base64url')],
  ])('refuse %s as a validation problem on cursor', (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationProblem);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as ValidationProblem).problems).toEqual([
        { path: 'cursor', message: expect.any(String) },
      ]);
    }
  });
});
