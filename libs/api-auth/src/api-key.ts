import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sdk_';
const API_KEY_ENTROPY_BYTES = 32;
const DISPLAY_PREFIX_LENGTH = 12;

export interface GeneratedApiKey {
  /** Shown to its owner once; only the hash is stored. */
  key: string;
  /** Enough of the key to tell keys apart in listings, too little to use it. */
  prefix: string;
  hash: string;
}

/** `sdk_` + base64url of 32 random bytes: URL- and header-safe, and recognisable in secret scanners. */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(API_KEY_ENTROPY_BYTES).toString('base64url');
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}

/**
 * A plain sha256 suffices: the keys carry 256 bits of entropy, so there is nothing for a slow hash to
 * protect, and a fast one keeps every authenticated request cheap.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/**
 * The listed prefix of the operator-supplied bootstrap key: random, because that key is chosen by a
 * person and may be reused elsewhere, so none of it is shown or logged.
 */
export function bootstrapDisplayPrefix(): string {
  return `boot_${randomBytes(6).toString('base64url')}`;
}
