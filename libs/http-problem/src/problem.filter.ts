import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { describeException } from './describe-exception';
import { problemDetails } from './problem-types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export type ProblemLogger = Pick<Logger, 'error'>;

/**
 * The one place where errors become HTTP responses: every exception of an HTTP request, from a
 * handler, guard, pipe, the body parser or the router, is answered as application/problem+json.
 * Register it globally (`app.useGlobalFilters(new ProblemFilter(logger))`).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: ProblemLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = describeException(exception, request);
    // Server-side failures are ours to investigate; the client only ever sees a generic detail.
    if (problem.status >= 500) {
      this.logger.error(
        { err: exception, method: request.method, url: request.originalUrl },
        'request failed',
      );
    }
    if (response.headersSent) {
      // Part of another response is already out; cutting the connection is the only honest signal left.
      response.destroy();
      return;
    }
    const body = problemDetails(problem, request.originalUrl.split('?')[0]);
    response
      .status(problem.status)
      .set(problem.headers ?? {})
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(body));
  }
}
