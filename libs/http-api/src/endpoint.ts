import { Delete, Get, HttpCode, Patch, Post, UseInterceptors, applyDecorators } from '@nestjs/common';
import { RequireScope } from '@smart-dairy/api-auth';
import { ReplyInterceptor } from './reply';
import type { HttpMethod, RouteSpec } from './route-table';

const ROUTE_DECORATORS = { get: Get, post: Post, patch: Patch, delete: Delete } as const satisfies Record<
  HttpMethod,
  unknown
>;

const replies = new ReplyInterceptor();

/**
 * Routes the handler as the spec says: method and path, the scopes ApiKeyGuard checks, the success
 * status. The controller carries `@UseGuards(ApiKeyGuard)` and `@Controller()` without a prefix.
 */
export function Endpoint(spec: RouteSpec): MethodDecorator {
  return applyDecorators(
    ROUTE_DECORATORS[spec.method](spec.path),
    RequireScope(...spec.scopes),
    HttpCode(spec.status),
    UseInterceptors(replies),
  );
}
