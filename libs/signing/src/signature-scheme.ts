import { STANDARD_WEBHOOK_KEY_BYTES, standardWebhookKey } from './standard-webhooks';

/**
 * How a subscription's deliveries are signed. `smart-dairy`: the platform's own headers, `sha256=` HMAC of
 * `timestamp.body` keyed by the secret's text (docs/protocol.md#signature). `standard-webhooks`: Standard
 * Webhooks v1, `v1,` HMAC of `id.timestamp.body` keyed by the base64 after `whsec_`
 * (docs/protocol.md#standard-webhooks).
 */
export const SIGNATURE_SCHEMES = ['smart-dairy', 'standard-webhooks'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
export const DEFAULT_SIGNATURE_SCHEME: SignatureScheme = 'smart-dairy';

export function isSignatureScheme(value: string): value is SignatureScheme {
  return (SIGNATURE_SCHEMES as readonly string[]).includes(value);
}

/**
 * Whether a secret can sign in the scheme: any non-empty text for the platform's, `whsec_` + standard
 * base64 of 24 to 64 bytes for Standard Webhooks (what its libraries accept).
 */
export function secretFitsScheme(secret: string, scheme: SignatureScheme): boolean {
  if (scheme === 'smart-dairy') return secret.length > 0;
  const key = standardWebhookKey(secret);
  return (
    key !== undefined &&
    key.length >= STANDARD_WEBHOOK_KEY_BYTES.min &&
    key.length <= STANDARD_WEBHOOK_KEY_BYTES.max
  );
}
