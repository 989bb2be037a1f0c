import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { json, type Request, type RequestHandler, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { from, switchMap, type Observable } from 'rxjs';

/**
 * Parses a JSON body after the guards instead of before routing, so a request that fails
 * authentication is refused without its body being read (a flood of 1 MiB bodies with bad keys costs
 * no parsing). Sets `body`, and `rawBody` for handlers that hash or re-parse the exact bytes.
 * Parser errors (malformed JSON, too large) reach the problem filter with their type intact.
 */
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly parse: RequestHandler;

  constructor(limit: string) {
    this.parse = json({
      limit,
      verify: (req: IncomingMessage & { rawBody?: Buffer }, _res, buffer) => {
        req.rawBody = buffer;
      },
    });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const parsed = new Promise<void>((resolve, reject) => {
      void this.parse(request, response, (error?: unknown) => (error ? reject(error) : resolve()));
    });
    return from(parsed).pipe(switchMap(() => next.handle()));
  }
}
