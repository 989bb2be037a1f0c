export { createExpressMiddleware, type MiddlewareOptions, type NextFunction } from './express-middleware';
export type { HeaderSource } from './header-lookup';
export { socketAddress, type SourceIpOf } from './http-replies';
export { IpAllowlist } from './ip-allowlist';
export {
  WebhookGuard,
  WebhookRejectedError,
  type HttpExecutionContext,
  type WebhookGuardOptions,
} from './nest-guard';
export { createNodeHandler, type HandlerOptions, type OnWebhook } from './node-handler';
export {
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  readRawBody,
  receivedBody,
  type FrameworkRequest,
} from './raw-body';
export { InMemorySeenIdStore, type InMemorySeenIdStoreOptions, type SeenIdStore } from './seen-id-store';
export {
  VALIDATION_FAILURE_REASONS,
  statusForFailure,
  type ValidationFailure,
  type ValidationFailureReason,
  type ValidationResult,
  type VerifiedWebhook,
} from './validation-result';
export { verifiedWebhookOf } from './verified-webhooks';
export type { WebhookEnvelope } from './webhook-envelope';
export {
  DEFAULT_HEADER_NAMES,
  DEFAULT_TOLERANCE_SECONDS,
  WebhookValidator,
  type RequestContext,
  type WebhookHeaderNames,
  type WebhookValidatorOptions,
} from './webhook-validator';
export type { SignatureScheme } from '@smart-dairy/signing';
