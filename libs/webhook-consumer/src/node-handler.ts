import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyJson, replyRejected, replyTooLarge, socketAddress, type SourceIpOf } from './http-replies';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, readRawBody } from './raw-body';
import type { VerifiedWebhook } from './validation-result';
import type { WebhookValidator } from './webhook-validator';

export interface HandlerOptions {
  readonly maxBodyBytes?: number;
  readonly sourceIp?: SourceIpOf;
  /** Told about errors answered with 500 (a throwing `onEvent`, a failing seen-id store); logs by default. */
  readonly onError?: (error: unknown, request: IncomingMessage) => void;
}

export type OnWebhook = (webhook: VerifiedWebhook, request: IncomingMessage) => void | Promise<void>;

/**
 * A `node:http` request listener for the webhook endpoint: 200 once `onEvent` has finished, 400/401/403
 * with `{ reason, message }` for a delivery that fails validation, 413 for an oversized body, 500 (so the
 * delivery is retried) when `onEvent` throws. It never rejects.
 */
export function createNodeHandler(
  validator: WebhookValidator,
  onEvent: OnWebhook,
  {
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    sourceIp = socketAddress,
    onError = logError,
  }: HandlerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readRawBody(request, maxBodyBytes);
    const result = await validator.validate(request.headers, body, { sourceIp: sourceIp(request) });
    if (!result.valid) return replyRejected(response, result);
    await onEvent(result, request);
    replyJson(response, 200, { received: true });
  };

  return async (request, response) => {
    try {
      await handle(request, response);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return replyTooLarge(response, maxBodyBytes);
      onError(error, request);
      if (!response.headersSent) {
        replyJson(response, 500, {
          reason: 'handler_failed',
          message: 'the delivery could not be processed',
        });
      }
    }
  };
}

function logError(error: unknown, request: IncomingMessage): void {
  console.error(`webhook request ${request.method} ${request.url} failed`, error);
}
