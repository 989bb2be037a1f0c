import { socketAddress, type SourceIpOf } from './http-replies';
import { receivedBody, type FrameworkRequest } from './raw-body';
import { statusForFailure, type ValidationFailure } from './validation-result';
import { rememberVerifiedWebhook } from './verified-webhooks';
import type { WebhookValidator } from './webhook-validator';

/** The part of Nest's `ExecutionContext` the guard uses; declared here so this package needs no Nest. */
export interface HttpExecutionContext {
  switchToHttp(): { getRequest<T = unknown>(): T };
}

/**
 * The default rejection. Nest's exception filter answers any error carrying `statusCode` with that status
 * and `{ statusCode, message }`, so no Nest exception class is needed here.
 */
export class WebhookRejectedError extends Error {
  readonly statusCode: number;
  readonly reason: ValidationFailure['reason'];

  constructor(readonly failure: ValidationFailure) {
    super(`${failure.reason}: ${failure.message}`);
    this.name = 'WebhookRejectedError';
    this.reason = failure.reason;
    this.statusCode = statusForFailure(failure.reason);
  }
}

export interface WebhookGuardOptions {
  readonly sourceIp?: SourceIpOf;
  /** The error to throw for a rejected delivery, e.g. one of Nest's own `HttpException`s. */
  readonly rejection?: (failure: ValidationFailure) => Error;
}

/**
 * A Nest guard for webhook routes: `@UseGuards(new WebhookGuard(validator))`, with the app created with
 * `{ rawBody: true }`. The verified delivery is then `verifiedWebhookOf(request)`.
 */
export class WebhookGuard {
  private readonly sourceIp: SourceIpOf;
  private readonly rejection: (failure: ValidationFailure) => Error;

  constructor(
    private readonly validator: WebhookValidator,
    {
      sourceIp = socketAddress,
      rejection = (failure) => new WebhookRejectedError(failure),
    }: WebhookGuardOptions = {},
  ) {
    this.sourceIp = sourceIp;
    this.rejection = rejection;
  }

  async canActivate(context: HttpExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FrameworkRequest>();
    const body = await receivedBody(request);
    const result = await this.validator.validate(request.headers, body, { sourceIp: this.sourceIp(request) });
    if (!result.valid) throw this.rejection(result);
    rememberVerifiedWebhook(request, result);
    return true;
  }
}
