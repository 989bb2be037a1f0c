import { ValidationProblem } from '@smart-dairy/http-problem';
import { z } from 'zod';

/** A position in the list, which is ordered newest first by (moved_at, id). */
export interface ListPosition {
  movedAt: Date;
  id: string;
}

const positionSchema = z.tuple([z.iso.datetime(), z.string().min(1)]);

export function encodeCursor({ movedAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify([movedAt.toISOString(), id])).toString('base64url');
}

/** Cursors are opaque to clients; anything not made by `encodeCursor` is the client's mistake. */
export function decodeCursor(cursor: string): ListPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = positionSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationProblem(
      [{ path: 'cursor', message: 'not a cursor returned by this API' }],
      'The query string is invalid.',
    );
  }
  const [movedAt, id] = parsed.data;
  return { movedAt: new Date(movedAt), id };
}
