import { randomBytes } from 'node:crypto';
import type { SignatureScheme } from './signature-scheme';

export const SECRET_PREFIX = 'whsec_';
const SECRET_ENTROPY_BYTES = 32;

/**
 * A new signing secret for the scheme, `whsec_` + 32 random bytes: base64url without padding for the
 * platform's scheme (safe to paste into URLs and env files, as it always was), standard base64 with padding
 * for Standard Webhooks, whose libraries decode nothing else.
 */
export function generateSecret(scheme: SignatureScheme = 'smart-dairy'): string {
  const bytes = randomBytes(SECRET_ENTROPY_BYTES);
  return SECRET_PREFIX + bytes.toString(scheme === 'standard-webhooks' ? 'base64' : 'base64url');
}
