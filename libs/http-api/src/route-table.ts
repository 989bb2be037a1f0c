import type { ApiKeyScope } from '@smart-dairy/db';
import type { ProblemCode } from '@smart-dairy/http-problem';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

/**
 * One route of a /v1 API: what Nest routes, what the guard requires, what the handler parses
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
  /** Request headers the handler reads, by lower-case name. */
  readonly headers?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success status; a handler that must answer another one returns a `Reply`. */
  readonly status: number;
  /** Absent for an answer without a body. */
  readonly response?: z.ZodType;
  /** Problems beyond those implied by the route: validation, 401, 403, 429; 404 with an id; 413 and 415 with a body. */
  readonly problems?: readonly ProblemCode[];
}

/** A route as a table lists it: without the table's tag, and admin only and 200 unless it says otherwise. */
export type RouteEntry = Omit<RouteSpec, 'tag' | 'scopes' | 'status'> &
  Partial<Pick<RouteSpec, 'scopes' | 'status'>>;

type Routes<T> = { readonly [K in keyof T]: T[K] & Pick<RouteSpec, 'tag' | 'scopes' | 'status'> };

/**
 * The routes of one feature, all under one tag. Each entry keeps its own types, so that
 * `parseBody(routes.create.body, ...)` is typed by the schema the entry names.
 */
export function routeTable<const T extends Readonly<Record<string, RouteEntry>>>(
  tag: string,
  entries: T,
): Routes<T> {
  const routes = Object.entries(entries).map(([name, entry]) => [
    name,
    { tag, scopes: [], status: 200, ...entry },
  ]);
  return Object.fromEntries(routes) as Routes<T>;
}
