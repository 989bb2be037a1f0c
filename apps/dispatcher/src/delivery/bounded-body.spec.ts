import { Readable } from 'node:stream';
import { DEFAULT_BODY_LIMIT_BYTES, readBoundedBody, type ResponseBody } from './bounded-body';

const MiB = 1024 * 1024;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A body of the given chunks that records how far it was read and whether it was cleaned up. */
function trackedBody(chunks: Iterable<Uint8Array>) {
  const stats = { chunksPulled: 0, finished: false, destroyed: 0 };
  async function* generate() {
    try {
      for (const chunk of chunks) {
        stats.chunksPulled++;
        yield chunk;
      }
    } finally {
      stats.finished = true;
    }
  }
  const body: ResponseBody = Object.assign(generate(), { destroy: () => void stats.destroyed++ });
  return { body, stats };
}

function* repeat(chunk: Uint8Array, times = Number.POSITIVE_INFINITY): Generator<Uint8Array> {
  for (let i = 0; i < times; i++) yield chunk;
}

describe('readBoundedBody', () => {
  it.each([
    ['an empty body', [], 10, '', 0],
    ['a short body', [utf8('{"ok":true}')], 64, '{"ok":true}', 11],
    ['several chunks', [utf8('ab'), utf8(''), utf8('cd')], 64, 'abcd', 4],
    ['a body exactly at the limit', [utf8('abc'), utf8('de')], 5, 'abcde', 5],
    ['a character split across chunks', [Uint8Array.of(0x61, 0xc3), Uint8Array.of(0xa9)], 64, 'aé', 3],
    [
      'an emoji split three ways',
      [Uint8Array.of(0xf0, 0x9f), Uint8Array.of(0x90), Uint8Array.of(0x84)],
      4,
      '🐄',
      4,
    ],
    ['invalid UTF-8 within the limit', [Uint8Array.of(0x61, 0xff, 0x62)], 64, 'a\uFFFDb', 3],
    ['a lone lead byte at the very end', [Uint8Array.of(0x61, 0xe2)], 64, 'a\uFFFD', 2],
    // Postgres text refuses U+0000, so a binary answer must not make its attempt unrecordable.
    ['NUL bytes of a binary answer', [Uint8Array.of(0x61, 0x00, 0x62, 0x00)], 64, 'a\uFFFDb\uFFFD', 4],
  ])('reads %s whole', async (_case, chunks, limit, text, bytesRead) => {
    const { body, stats } = trackedBody(chunks);
    expect(await readBoundedBody(body, limit)).toEqual({ text, truncated: false, bytesRead });
    expect(stats.destroyed).toBe(0);
  });

  it.each([
    ['one byte over, in one chunk', [utf8('abcdef')], 5, 'abcde', 6],
    ['one byte over, in a later chunk', [utf8('abcde'), utf8('f')], 5, 'abcde', 6],
    ['with a zero limit', [utf8('abc')], 0, '', 3],
    ['cutting a 2-byte character after its first byte', [utf8('aé')], 2, 'a', 3],
    ['cutting a 3-byte character after two bytes', [utf8('a€')], 3, 'a', 4],
    ['right after a whole 3-byte character', [utf8('a€b')], 4, 'a€', 5],
    ['cutting a 4-byte character after three bytes', [utf8('a🐄')], 4, 'a', 5],
    [
      'cutting a character whose start came in an earlier chunk',
      // 🐄 is f0 9f 90 84.
      [Uint8Array.of(0x61, 0xf0), Uint8Array.of(0x9f, 0x90, 0x84, 0x78)],
      3,
      'a',
      6,
    ],
  ])('truncates %s', async (_case, chunks, limit, text, bytesRead) => {
    const { body, stats } = trackedBody(chunks);
    expect(await readBoundedBody(body, limit)).toEqual({ text, truncated: true, bytesRead });
    expect(stats.destroyed).toBe(1);
  });

  it('stops reading a 10 MiB body at the limit and discards the rest unread', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x78);
    const { body, stats } = trackedBody(repeat(chunk, (10 * MiB) / chunk.byteLength));
    const result = await readBoundedBody(body);
    expect(result).toEqual({
      text: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES),
      truncated: true,
      bytesRead: 80 * 1024,
    });
    // The limit is 4 chunks, so the 5th shows the body goes on; none of the other 635 is ever produced.
    expect(stats.chunksPulled).toBe(5);
    expect(stats.finished).toBe(true);
    expect(stats.destroyed).toBe(1);
  });

  it('returns from a body that never ends', async () => {
    const { body } = trackedBody(repeat(utf8('y'.repeat(1000))));
    await expect(readBoundedBody(body, 2500)).resolves.toEqual({
      text: 'y'.repeat(2500),
      truncated: true,
      bytesRead: 3000,
    });
  });

  it('destroys a Node stream of 10 MiB after reading only the limit', async () => {
    let produced = 0;
    const stream = Readable.from(
      (function* () {
        for (; produced < 10 * MiB; produced += 64 * 1024) yield Buffer.alloc(64 * 1024, 0x7a);
      })(),
    );
    const result = await readBoundedBody(stream, 100_000);
    expect(result.text).toHaveLength(100_000);
    expect(result.truncated).toBe(true);
    expect(stream.destroyed).toBe(true);
    expect(produced).toBeLessThan(MiB);
  });

  it('passes on a failure of the body', async () => {
    async function* failing() {
      yield utf8('partial');
      throw new Error('socket hang up');
    }
    await expect(readBoundedBody(failing())).rejects.toThrow('socket hang up');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects a limit of %p', async (limit) => {
    await expect(readBoundedBody(trackedBody([]).body, limit)).rejects.toThrow(RangeError);
  });
});
