import type { WebhookEnvelope } from './webhook-envelope';

/**
 * Why a delivery was refused. The same codes are used by the CLI's `verify` and by the Python verifier
 * (sdks/python), whose test compares its list with this one: only ever add to it.
 */
export const VALIDATION_FAILURE_REASONS = [
  'missing_headers',
  'invalid_timestamp',
  'timestamp_too_old',
  'timestamp_too_new',
  'signature_mismatch',
  'replayed',
  'invalid_body',
  'ip_not_allowed',
] as const;

export type ValidationFailureReason = (typeof VALIDATION_FAILURE_REASONS)[number];

export interface VerifiedWebhook {
  readonly valid: true;
  readonly deliveryId: string;
  readonly eventType: string;
  /** Unix seconds at which the delivery was signed. */
  readonly timestamp: number;
  readonly envelope: WebhookEnvelope;
}

export type ValidationFailure =
  | {
      readonly valid: false;
      readonly reason: 'missing_headers';
      readonly message: string;
      readonly missing: string[];
    }
  | {
      readonly valid: false;
      readonly reason: Exclude<ValidationFailureReason, 'missing_headers'>;
      readonly message: string;
    };

export type ValidationResult = VerifiedWebhook | ValidationFailure;

/** The HTTP status to answer a rejected delivery with (docs/protocol.md#verifying-a-delivery). */
export function statusForFailure(reason: ValidationFailureReason): 400 | 401 | 403 {
  switch (reason) {
    case 'missing_headers':
    case 'invalid_timestamp':
    case 'invalid_body':
      return 400;
    case 'ip_not_allowed':
      return 403;
    case 'timestamp_too_old':
    case 'timestamp_too_new':
    case 'signature_mismatch':
    case 'replayed':
      return 401;
  }
}
