export type ResponseBody = AsyncIterable<Uint8Array> & { destroy?(): void };

export interface BoundedBody {
  readonly text: string;
  /** True when the body went on past the limit and the rest was thrown away. */
  readonly truncated: boolean;
  /** Bytes taken from the body before reading stopped, the discarded part of the last chunk included. */
  readonly bytesRead: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The start of a receiver's response body, for the delivery log. Reading stops at the limit and the body is
 * destroyed, so a receiver answering with gigabytes costs no more memory or time than one within the limit.
 */
export async function readBoundedBody(
  body: ResponseBody,
  limitBytes: number = DEFAULT_BODY_LIMIT_BYTES,
): Promise<BoundedBody> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
    throw new RangeError(`limitBytes must be a non-negative integer, got ${limitBytes}`);
  }
  // Decoding chunk by chunk keeps only text, and `stream` mode holds back a character split across chunks.
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let bytesRead = 0;
  for await (const chunk of body) {
    const room = limitBytes - bytesRead;
    bytesRead += chunk.byteLength;
    if (chunk.byteLength > room) {
      // Left in stream mode for good, so a character cut in half at the limit is dropped, not garbled.
      parts.push(decoder.decode(chunk.subarray(0, room), { stream: true }));
      body.destroy?.();
      return { text: storable(parts.join('')), truncated: true, bytesRead };
    }
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: storable(parts.join('')), truncated: false, bytesRead };
}

/** Postgres text cannot hold U+0000: a binary answer would otherwise make its attempt unrecordable. */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
