import { generateSecret } from './secret-generation';
import type { SignatureScheme } from './signature-scheme';

/**
 * The secrets of one subscription. After a rotation the previous secret stays valid until
 * `previousExpiresAt`, so a consumer can switch to the new secret without dropping deliveries.
 */
export type SecretSet =
  | { readonly current: string }
  | { readonly current: string; readonly previous: string; readonly previousExpiresAt: Date };

/** The secrets a signature may be checked against at `now`, current first. */
export function activeSecrets(set: SecretSet, now: Date = new Date()): string[] {
  if ('previous' in set && now.getTime() < set.previousExpiresAt.getTime()) {
    return [set.current, set.previous];
  }
  return [set.current];
}

export interface Rotation {
  readonly now?: Date;
  readonly graceSeconds: number;
  /** Defaults to a freshly generated secret of `scheme`. */
  readonly newSecret?: string;
  /** The scheme the new secret must fit; the platform's by default. */
  readonly scheme?: SignatureScheme;
}

/** Makes a new current secret and keeps the old one valid for `graceSeconds`. */
export function rotateSecret(
  set: SecretSet,
  { now = new Date(), graceSeconds, newSecret, scheme }: Rotation,
): SecretSet {
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new RangeError(`graceSeconds must be a non-negative number, got ${graceSeconds}`);
  }
  return {
    current: newSecret ?? generateSecret(scheme),
    previous: set.current,
    previousExpiresAt: new Date(now.getTime() + graceSeconds * 1000),
  };
}
