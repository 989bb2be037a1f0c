import { createHmac, timingSafeEqual } from 'node:crypto';

/** Scheme tag in front of the base64 MAC, so a future algorithm can be told apart on the wire. */
export const SIGNATURE_PREFIX = 'sha256=';

export const SIGNATURE_HEADER = 'X-Webhook-Signature';
/** Carries the unix-seconds timestamp that is part of the signed content. */
export const TIMESTAMP_HEADER = 'X-Webhook-Timestamp';

export type SignableBody = Uint8Array | string;

export interface SignatureCheck {
  /** Every secret that may have signed the delivery: the current one first, then any in their grace period. */
  readonly secrets: readonly string[];
  readonly timestamp: number;
  readonly body: SignableBody;
  /** The header value as received, e.g. `sha256=...`. */
  readonly signature: string;
}

/**
 * Signature header value for a delivery: HMAC-SHA256 keyed with the UTF-8 bytes of the secret as the admin
 * sees it (no base64 decoding of `whsec_...`), over `${timestamp}.` followed by the exact body bytes.
 */
export function sign(secret: string, timestampSeconds: number, body: SignableBody): string {
  if (secret.length === 0) throw new RangeError('signing secret must not be empty');
  if (!isUnixSeconds(timestampSeconds)) {
    throw new RangeError(`timestamp must be a non-negative integer of unix seconds, got ${timestampSeconds}`);
  }
  // A string key is taken as its UTF-8 bytes; passing it as a string rather than a Buffer is several
  // times faster on Node 24, where a Buffer key goes through the slower KeyObject checks.
  const mac = createHmac('sha256', secret)
    .update(`${timestampSeconds}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
  return SIGNATURE_PREFIX + mac;
}

/** True when any of the secrets produced `signature`; never throws on malformed input. */
export function verifySignature({ secrets, timestamp, body, signature }: SignatureCheck): boolean {
  if (!isUnixSeconds(timestamp)) return false;
  const received = Buffer.from(signature, 'utf8');
  let matched = false;
  // Every secret is tried, so timing does not reveal which one (current or previous) matched.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const expected = Buffer.from(sign(secret, timestamp, body), 'utf8');
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}

function isUnixSeconds(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
