import { Delete, Get, HttpCode, Patch, Post, applyDecorators } from '@nestjs/common';
import { RequireScope } from '@smart-dairy/api-auth';
import type { ApiKeyScope } from '@smart-dairy/db';
import { ProblemError, type ProblemCode } from '@smart-dairy/http-problem';
import type { Request } from 'express';
import type { z } from 'zod';

const ROUTE_DECORATORS = { get: Get, post: Post, patch: Patch, delete: Delete } as const;

export type HttpMethod = keyof typeof ROUTE_DECORATORS;

/**
 * One route of the /v1 API: what Nest routes, what the guard requires, what the handler parses
 * and what /docs/openapi.json documents all come from this object, so they cannot drift apart.
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** Express-style: `/v1/subscriptions/:id`. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  /** Scopes besides admin that may call the route; empty means admin only. */
  readonly scopes: readonly ApiKeyScope[];
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly status: number;
  /** Absent for an answer without a body. */
  readonly response?: z.ZodType;
  /** Problems beyond those implied by the route: validation, 401, 403, 429; 404 with an id; 413 and 415 with a body. */
  readonly problems?: readonly ProblemCode[];
}

/** Routes the handler as the spec says: method and path, the scopes ApiKeyGuard checks, the success status. */
export function Endpoint(spec: RouteSpec): MethodDecorator {
  return applyDecorators(
    ROUTE_DECORATORS[spec.method](spec.path),
    RequireScope(...spec.scopes),
    HttpCode(spec.status),
  );
}

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
