import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** JSON codec for one internal message type; decoding never throws. */
export interface Codec<T> {
  encode(value: T): Buffer;
  decode(bytes: Buffer | null): Decoded<T>;
}

export function jsonCodec<S extends z.ZodType>(schema: S): Codec<z.output<S>> {
  return {
    encode: (value) => Buffer.from(JSON.stringify(value)),
    decode(bytes) {
      if (!bytes) return { ok: false, error: 'empty message' };
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        return { ok: false, error: `not JSON: ${(error as Error).message}` };
      }
      const result = schema.safeParse(json);
      return result.success
        ? { ok: true, value: result.data }
        : {
            ok: false,
            error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          };
    },
  };
}
