import type { IncomingMessage } from 'node:http';
import type { VerifiedWebhook } from './validation-result';

// Kept beside the request rather than on it, so no framework type needs augmenting.
const verified = new WeakMap<IncomingMessage, VerifiedWebhook>();

export function rememberVerifiedWebhook(request: IncomingMessage, webhook: VerifiedWebhook): void {
  verified.set(request, webhook);
}

/** The delivery the Express middleware or Nest guard verified for this request, if any. */
export function verifiedWebhookOf(request: IncomingMessage): VerifiedWebhook | undefined {
  return verified.get(request);
}
