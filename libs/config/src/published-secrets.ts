import { createHash } from 'node:crypto';

/**
 * Secrets this repository has published at some point (git keeps them for good), so that
 * production can refuse them. Kept as sha256 fingerprints, never the secrets: key-ring keys by
 * their 32 key bytes (whatever id they are given), admin keys by their text.
 */
const PUBLISHED_KEY_RING_KEYS = new Map([
  ['eb07cde6d44ad84d8f9c0d752718450b7503d6f9acf140366dd47b11f9db88b4', 'the development key ring'],
  ['261a08e1977bcdb31e631c79fe30803204247e2a4c69586f30c2ddff0687a1be', "docker-compose.yml's former example"],
]);

const PUBLISHED_ADMIN_KEYS = new Map([
  ['6c21a3508dfccb49fec646bca46f9a8abebfbf283a136dae2e65a0e13380310d', "docker-compose.yml's former example"],
]);

export const fingerprint = (secret: Buffer | string): string =>
  createHash('sha256').update(secret).digest('hex');

/** Where the key was published, or undefined for a key of the operator's own. */
export function publishedKeyRingKey(key: Buffer): string | undefined {
  return PUBLISHED_KEY_RING_KEYS.get(fingerprint(key));
}

export function publishedAdminKey(key: string): string | undefined {
  return PUBLISHED_ADMIN_KEYS.get(fingerprint(key));
}
