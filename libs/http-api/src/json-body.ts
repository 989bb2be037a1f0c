import { ProblemError } from '@smart-dairy/http-problem';
import type { Request } from 'express';

/**
 * The parsed JSON body, or `{}` when none was sent, so that a missing body is reported field by
 * field. Only JSON is parsed: a body of another type would otherwise look like no body at all.
 */
export function jsonBody(request: Request): unknown {
  if (hasContent(request) && request.is('application/json') === false) {
    throw new ProblemError('unsupported_media_type', 'Send the request body as application/json.');
  }
  return request.body ?? {};
}

/** `Content-Length: 0` counts as no body: fetch and curl send it for a POST without one. */
function hasContent(request: Request): boolean {
  const length = request.headers['content-length'];
  return length === undefined ? request.headers['transfer-encoding'] !== undefined : Number(length) > 0;
}
