import { BadRequestException, HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemError } from './problem-error';
import type { ProblemCode, ProblemDescription } from './problem-types';

const CODE_BY_STATUS: Readonly<Partial<Record<number, ProblemCode>>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
};

const INTERNAL_ERROR_DETAIL = 'An unexpected error occurred.';

/** An error from the http-errors family (body-parser's): `expose` marks its message as meant for the client. */
interface ClientHttpError extends Error {
  status: number;
  expose: true;
  type?: unknown;
  limit?: unknown;
}

/** Translates whatever reached the edge into the problem the client gets. */
export function describeException(exception: unknown, request: Request): ProblemDescription {
  if (exception instanceof ProblemError) return exception;
  if (isRejectedJsonBody(exception, request)) {
    return {
      status: 400,
      code: 'malformed_json',
      detail: `The request body is not valid JSON: ${exception.message}`,
    };
  }
  if (exception instanceof HttpException) return fromStatus(exception.getStatus(), exception.message);
  if (isClientHttpError(exception)) {
    if (exception.type === 'entity.too.large' && typeof exception.limit === 'number') {
      return fromStatus(413, `The request body is larger than the limit of ${exception.limit} bytes.`);
    }
    return fromStatus(exception.status, exception.message);
  }
  return fromStatus(500, INTERNAL_ERROR_DETAIL);
}

/**
 * Nest turns body-parser's JSON SyntaxError into a bare BadRequestException, losing its `type`; what
 * remains is the request: a JSON body arrived but nothing was parsed from it, so the handler never ran.
 */
function isRejectedJsonBody(exception: unknown, request: Request): exception is Error {
  if (isClientHttpError(exception)) return exception.type === 'entity.parse.failed';
  return (
    exception instanceof BadRequestException && request.body === undefined && !!request.is('application/json')
  );
}

function isClientHttpError(exception: unknown): exception is ClientHttpError {
  if (!(exception instanceof Error) || !('expose' in exception) || exception.expose !== true) return false;
  const status = 'status' in exception ? exception.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function fromStatus(status: number, detail: string): ProblemDescription {
  if (status >= 500) return { status, code: 'internal_error', detail: INTERNAL_ERROR_DETAIL };
  // The status stays what the thrower chose; an unlisted one still needs a code from the table.
  return { status, code: CODE_BY_STATUS[status] ?? 'bad_request', detail };
}
