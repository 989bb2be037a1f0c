import { WebhookValidator, type ValidationResult } from '@smart-dairy/webhook-consumer';
import type { CapturedHeaders } from './captured-headers';

export interface CapturedDelivery {
  readonly secret: string;
  readonly headers: CapturedHeaders;
  readonly body: Uint8Array;
  /** How far the signing time may be from now; a delivery captured a while ago needs more than the default. */
  readonly toleranceSeconds?: number;
  readonly now?: () => Date;
}

/** Checks a captured delivery exactly as a partner endpoint using `@smart-dairy/webhook-consumer` would. */
export function verifyCapturedDelivery({
  secret,
  headers,
  body,
  toleranceSeconds,
  now,
}: CapturedDelivery): Promise<ValidationResult> {
  return new WebhookValidator({ secret, toleranceSeconds, now }).validate(headers, body);
}
