import type { IncomingMessage } from 'node:http';

/** Default cap on a delivery body; events are at most 256 KiB, the envelope adds little. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  /** Read by Nest's exception filter (as for `http-errors`), so a guard throwing this answers 413. */
  readonly statusCode = 413;

  constructor(readonly maxBytes: number) {
    super(`request body is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** A request that a framework may already have read: Nest's `rawBody: true` or `express.raw()`. */
export interface FrameworkRequest extends IncomingMessage {
  readonly rawBody?: unknown;
  readonly body?: unknown;
}

/**
 * The body bytes as received: those a framework kept, else read from the stream. A body that a parser
 * consumed without keeping the bytes cannot be verified, which is a setup mistake worth failing loudly on.
 */
export async function receivedBody(
  request: FrameworkRequest,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<Buffer> {
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (Buffer.isBuffer(request.body)) return request.body;
  if (!request.readableEnded) return readRawBody(request, maxBytes);
  throw new Error(
    'The webhook body was parsed without keeping its bytes, so its signature cannot be checked: use ' +
      "express.raw({ type: 'application/json' }) on this route, or NestFactory.create(..., { rawBody: true })",
  );
}

/** The request body as received, refused as soon as it is known to exceed `maxBytes`. */
export function readRawBody(request: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Stop buffering but keep the connection readable so the caller can still answer 413.
      request.off('data', onData);
      request.resume();
      reject(new BodyTooLargeError(maxBytes));
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}
