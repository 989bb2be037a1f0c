import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * An answer whose status is known only once the handler has run, such as a stored answer replayed
 * for a repeated request. Anything else a handler returns is sent with its route's `status`.
 */
export class Reply<T> {
  constructor(
    readonly status: number,
    readonly body: T,
  ) {}
}

/** Sends a `Reply` with its own status; `Endpoint` puts it on every route. */
export class ReplyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Reply)) return result;
        // Nest has set the route's status before the handler ran and does not set it again after.
        context.switchToHttp().getResponse<Response>().status(result.status);
        return result.body;
      }),
    );
  }
}
