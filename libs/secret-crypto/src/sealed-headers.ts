import { SecretCipherError, type SecretBinding, type SecretCipher } from './secret-cipher';

/**
 * One custom header as the `custom_headers` column stores it: the name in clear (reads show it), the value
 * sealed like a signing secret, since it may be a credential, and bound to its subscription and name.
 */
// A type rather than an interface: Prisma takes it as JSON only with an implicit index signature.
export type SealedHeader = {
  readonly name: string;
  readonly ciphertext: string;
};

/** A header in clear: name and value. */
export type OpenHeader = readonly [name: string, value: string];

export function sealHeaders(
  cipher: SecretCipher,
  subscriptionId: string,
  headers: readonly OpenHeader[],
): SealedHeader[] {
  return headers.map(([name, value]) => ({
    name,
    ciphertext: cipher.encrypt(value, headerBinding(subscriptionId, name)),
  }));
}

/** The headers in clear; throws `SecretCipherError` when the ring cannot open one. */
export function openHeaders(
  cipher: SecretCipher,
  subscriptionId: string,
  sealed: readonly SealedHeader[],
): OpenHeader[] {
  return sealed.map(({ name, ciphertext }) => [
    name,
    cipher.decrypt(ciphertext, headerBinding(subscriptionId, name)),
  ]);
}

/** The headers sealed with the ring's first key, or undefined when all of them are already. */
export function resealHeaders(
  cipher: SecretCipher,
  subscriptionId: string,
  sealed: readonly SealedHeader[],
): SealedHeader[] | undefined {
  if (!sealed.some(({ ciphertext }) => cipher.needsReencryption(ciphertext))) return undefined;
  return sealed.map(({ name, ciphertext }) => ({
    name,
    ciphertext: cipher.needsReencryption(ciphertext)
      ? cipher.reencrypt(ciphertext, headerBinding(subscriptionId, name))
      : ciphertext,
  }));
}

/** Reads the stored column; throws `SecretCipherError` on anything but a list of sealed headers. */
export function parseSealedHeaders(stored: unknown): SealedHeader[] {
  if (!Array.isArray(stored) || !stored.every(isSealedHeader)) {
    throw new SecretCipherError('custom headers are not stored as a list of sealed headers');
  }
  return stored;
}

function isSealedHeader(value: unknown): value is SealedHeader {
  if (typeof value !== 'object' || value === null) return false;
  const { name, ciphertext } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof ciphertext === 'string';
}

function headerBinding(subscriptionId: string, name: string): SecretBinding {
  return { subscriptionId, slot: `header:${name.toLowerCase()}` };
}
