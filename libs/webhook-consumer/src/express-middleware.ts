import type { ServerResponse } from 'node:http';
import { replyRejected, replyTooLarge, socketAddress, type SourceIpOf } from './http-replies';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, receivedBody, type FrameworkRequest } from './raw-body';
import type { ValidationResult } from './validation-result';
import { rememberVerifiedWebhook } from './verified-webhooks';
import type { WebhookValidator } from './webhook-validator';

export interface MiddlewareOptions {
  /** Applies only when the middleware reads the body itself, i.e. no `express.raw()` ran before it. */
  readonly maxBodyBytes?: number;
  readonly sourceIp?: SourceIpOf;
}

export type NextFunction = (error?: unknown) => void;

/**
 * Express middleware that answers a delivery failing validation (400/401/403/413 with `{ reason, message }`)
 * and passes a valid one on; read it in the route with `verifiedWebhookOf(req)`. Works after
 * `express.raw({ type: 'application/json' })` or with no body parser at all. Typed on `node:http` so it
 * needs no Express types; Express 4 and 5 both accept it.
 */
export function createExpressMiddleware(
  validator: WebhookValidator,
  { maxBodyBytes = DEFAULT_MAX_BODY_BYTES, sourceIp = socketAddress }: MiddlewareOptions = {},
): (request: FrameworkRequest, response: ServerResponse, next: NextFunction) => Promise<void> {
  return async (request, response, next) => {
    let result: ValidationResult;
    try {
      const body = await receivedBody(request, maxBodyBytes);
      result = await validator.validate(request.headers, body, { sourceIp: sourceIp(request) });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return replyTooLarge(response, maxBodyBytes);
      return next(error);
    }
    if (!result.valid) return replyRejected(response, result);
    rememberVerifiedWebhook(request, result);
    next();
  };
}
