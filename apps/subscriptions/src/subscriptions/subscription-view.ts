import type { Subscription } from '@smart-dairy/db';
import type { FilterDocument } from '@smart-dairy/payload-filter';
import { isSignatureScheme, type SignatureScheme } from '@smart-dairy/signing';
import { z } from 'zod';
import { isoOrNull } from '../http/fields';
import { maskedHeaders } from './custom-headers';
import type { SecretView, SubscriptionView } from './subscription.schemas';

const storedMetadata = z.record(z.string(), z.string()).catch({});

/** The API shape of a row: snake_case, dates in ISO 8601, and never a ciphertext. */
export function subscriptionView(row: Subscription, rotationDue: boolean, now: Date): SubscriptionView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    status: row.status,
    description: row.description,
    metadata: storedMetadata.parse(row.metadata),
    rate_limit_per_second: row.rateLimitPerSecond,
    // Only ever written through the API, which accepts nothing but a valid filter.
    filter: row.filter as FilterDocument | null,
    signature_scheme: schemeOf(row),
    custom_headers: maskedHeaders(row.customHeaders),
    ordering: row.ordering,
    disabled_reason: row.disabledReason,
    disabled_at: isoOrNull(row.disabledAt),
    failing_since: isoOrNull(row.failingSince),
    secret_created_at: row.secretCreatedAt.toISOString(),
    secret_rotated_at: isoOrNull(row.secretRotatedAt),
    secret_rotation_due: rotationDue,
    previous_secret_expires_at: isoOrNull(previousSecretExpiry(row, now)),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The row's signature scheme; the column's CHECK constraint allows no other value. */
export function schemeOf(row: Pick<Subscription, 'signatureScheme'>): SignatureScheme {
  if (!isSignatureScheme(row.signatureScheme)) {
    throw new Error(`unknown signature scheme ${JSON.stringify(row.signatureScheme)} stored`);
  }
  return row.signatureScheme;
}

/** The previous secret's expiry while it still verifies; null once it has lapsed (or never existed). */
export function previousSecretExpiry(row: Subscription, now: Date): Date | null {
  const expiresAt = row.previousSecretExpiresAt;
  return row.previousSecretCiphertext !== null && expiresAt && expiresAt > now ? expiresAt : null;
}

export function secretView(
  row: Subscription,
  secrets: { current: string; previous: string | null },
  rotationDue: boolean,
  now: Date,
): SecretView {
  return {
    subscription_id: row.id,
    secret: secrets.current,
    previous_secret: secrets.previous,
    previous_secret_expires_at: isoOrNull(previousSecretExpiry(row, now)),
    secret_created_at: row.secretCreatedAt.toISOString(),
    secret_rotated_at: isoOrNull(row.secretRotatedAt),
    secret_rotation_due: rotationDue,
  };
}
