import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusForFailure, type ValidationFailure } from './validation-result';

export type SourceIpOf = (request: IncomingMessage) => string | undefined;

/** The TCP peer. Behind a proxy pass a `sourceIp` that reads the header your proxy sets, and only that one. */
export const socketAddress: SourceIpOf = (request) => request.socket.remoteAddress;

export function replyJson(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(json)),
  });
  response.end(json);
}

export function replyRejected(response: ServerResponse, failure: ValidationFailure): void {
  const missing = failure.reason === 'missing_headers' ? { missing: failure.missing } : {};
  replyJson(response, statusForFailure(failure.reason), {
    reason: failure.reason,
    message: failure.message,
    ...missing,
  });
}

export function replyTooLarge(response: ServerResponse, maxBytes: number): void {
  // The unread rest of the body is not worth receiving: close the connection after answering.
  replyJson(
    response,
    413,
    { reason: 'payload_too_large', message: `request body is larger than ${maxBytes} bytes` },
    { Connection: 'close' },
  );
}
