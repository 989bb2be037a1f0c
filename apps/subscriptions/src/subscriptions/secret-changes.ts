import type { Prisma, Subscription } from '@smart-dairy/db';
import type { SecretCipher } from '@smart-dairy/secret-crypto';
import { rotateSecret, secretFitsScheme, type SignatureScheme } from '@smart-dairy/signing';
import { DEFAULT_GRACE_PERIOD_SECONDS } from './subscription.schemas';
import { schemeOf } from './subscription-view';

type SubscriptionUpdate = Prisma.SubscriptionUpdateManyMutationInput;
/** What a change of secret reads of the row. */
type StoredSecret = Pick<Subscription, 'id' | 'secretCiphertext' | 'signatureScheme'>;

/** What a change writes to a subscription's row, and the secret it issued, if any. */
export interface SecretChange {
  readonly update: SubscriptionUpdate;
  readonly newSecret?: string;
}

/**
 * A new current secret of the scheme; the old one becomes the previous secret for `graceSeconds`, and one
 * left from an earlier rotation is dropped (docs/protocol.md#secret-rotation).
 */
export function rotation(
  cipher: SecretCipher,
  current: StoredSecret,
  scheme: SignatureScheme,
  graceSeconds: number,
  now: Date,
): Required<SecretChange> {
  const subscriptionId = current.id;
  const rotated = rotateSecret(
    { current: cipher.decrypt(current.secretCiphertext, { subscriptionId, slot: 'current' }) },
    { now, graceSeconds, scheme },
  );
  return {
    newSecret: rotated.current,
    update: {
      secretCiphertext: cipher.encrypt(rotated.current, { subscriptionId, slot: 'current' }),
      secretRotatedAt: now,
      ...('previous' in rotated && {
        previousSecretCiphertext: cipher.encrypt(rotated.previous, { subscriptionId, slot: 'previous' }),
        previousSecretExpiresAt: rotated.previousExpiresAt,
      }),
    },
  };
}

/**
 * A change of signature scheme (docs/protocol.md#signature-schemes). Standard Webhooks needs a secret of
 * its own form: a current secret that is not one (every secret made for the platform's scheme) is rotated
 * with the default grace period, in the same change.
 */
export function schemeChange(
  cipher: SecretCipher,
  current: StoredSecret,
  scheme: SignatureScheme | undefined,
  now: Date,
): SecretChange {
  if (scheme === undefined || scheme === schemeOf(current)) return { update: {} };
  const secret = cipher.decrypt(current.secretCiphertext, { subscriptionId: current.id, slot: 'current' });
  if (secretFitsScheme(secret, scheme)) return { update: { signatureScheme: scheme } };
  const { update, newSecret } = rotation(cipher, current, scheme, DEFAULT_GRACE_PERIOD_SECONDS, now);
  return { update: { signatureScheme: scheme, ...update }, newSecret };
}
