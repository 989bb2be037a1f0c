import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_ENTROPY_BYTES = 32;

/** A new signing secret: `whsec_` + base64url of 32 random bytes, safe to paste into URLs and env files. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_ENTROPY_BYTES).toString('base64url');
}
