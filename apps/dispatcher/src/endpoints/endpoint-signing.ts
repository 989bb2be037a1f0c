import type { CustomHeader } from '@smart-dairy/schemas';
import { openHeaders, parseSealedHeaders, type SecretCipher } from '@smart-dairy/secret-crypto';
import {
  isSignatureScheme,
  secretFitsScheme,
  type SecretSet,
  type SignatureScheme,
} from '@smart-dairy/signing';

/** How an endpoint's deliveries are signed, and the headers it adds: decrypted, so never logged. */
export interface EndpointSigning {
  readonly scheme: SignatureScheme;
  /**
   * The secrets that may sign. The platform's scheme signs with the current one only, so only Standard
   * Webhooks keeps the previous one, and only when it is a Standard Webhooks key (the secret before a
   * change of scheme is not): during its grace period each attempt is signed with both.
   */
  readonly secrets: SecretSet;
  readonly customHeaders: readonly CustomHeader[];
}

/** What is stored of a subscription's signing. */
export interface StoredSigning {
  readonly id: string;
  readonly signatureScheme: string;
  readonly secretCiphertext: string;
  readonly previousSecretCiphertext: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly customHeaders: unknown;
}

export class EndpointSigningError extends Error {
  override name = 'EndpointSigningError';
}

/** Opens a subscription's secrets and header values; throws when the key ring cannot, or they do not fit. */
export function openEndpointSigning(cipher: SecretCipher, row: StoredSigning): EndpointSigning {
  const subscriptionId = row.id;
  const scheme = row.signatureScheme;
  if (!isSignatureScheme(scheme)) {
    throw new EndpointSigningError(`unknown signature scheme ${JSON.stringify(scheme)}`);
  }
  const current = cipher.decrypt(row.secretCiphertext, { subscriptionId, slot: 'current' });
  // A platform secret is any text, so only a Standard Webhooks one can be of the wrong form here (an
  // empty one, a damaged row, still fails when the attempt is signed, as it always did).
  if (scheme === 'standard-webhooks' && !secretFitsScheme(current, scheme)) {
    throw new EndpointSigningError(`the current secret cannot sign in the ${scheme} scheme`);
  }
  const customHeaders = openHeaders(cipher, subscriptionId, parseSealedHeaders(row.customHeaders));
  const { previousSecretCiphertext, previousSecretExpiresAt } = row;
  if (
    scheme !== 'standard-webhooks' ||
    previousSecretCiphertext === null ||
    previousSecretExpiresAt === null
  ) {
    return { scheme, secrets: { current }, customHeaders };
  }
  const previous = cipher.decrypt(previousSecretCiphertext, { subscriptionId, slot: 'previous' });
  const secrets: SecretSet = secretFitsScheme(previous, scheme)
    ? { current, previous, previousExpiresAt: previousSecretExpiresAt }
    : { current };
  return { scheme, secrets, customHeaders };
}
