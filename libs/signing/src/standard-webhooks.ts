import { createHmac, timingSafeEqual } from 'node:crypto';
import { SECRET_PREFIX } from './secret-generation';
import type { SignableBody } from './signature';

/** Header names of the Standard Webhooks v1 scheme (https://www.standardwebhooks.com), lowercase as sent. */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The key sizes the specification allows for a secret. */
export const STANDARD_WEBHOOK_KEY_BYTES = { min: 24, max: 64 } as const;

const VERSION = 'v1';
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface StandardWebhookContent {
  /** The message id (`webhook-id`), signed together with the body. */
  readonly id: string;
  readonly timestamp: number;
  readonly body: SignableBody;
}

export interface StandardWebhookCheck extends StandardWebhookContent {
  /** Every secret that may have signed the delivery, as in `verifySignature`. */
  readonly secrets: readonly string[];
  /** The `webhook-signature` header as received: space-separated `v1,<base64>` entries. */
  readonly signature: string;
}

/**
 * The HMAC key of a Standard Webhooks secret: the standard base64 after `whsec_`. Undefined for anything
 * else (base64url characters included), so a malformed secret never signs or verifies by accident.
 */
export function standardWebhookKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '' || !STANDARD_BASE64.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64');
}

/**
 * The `webhook-signature` header for a delivery: one `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
 * secret, space-separated, so that during a rotation a consumer holding either secret accepts it.
 */
export function signStandardWebhook(secrets: readonly string[], content: StandardWebhookContent): string {
  if (secrets.length === 0) throw new RangeError('at least one secret is needed to sign');
  if (!Number.isSafeInteger(content.timestamp) || content.timestamp < 0) {
    throw new RangeError(
      `timestamp must be a non-negative integer of unix seconds, got ${content.timestamp}`,
    );
  }
  return secrets
    .map((secret) => {
      const key = standardWebhookKey(secret);
      if (key === undefined) throw new RangeError('a Standard Webhooks secret is whsec_ + standard base64');
      return `${VERSION},${mac(key, content)}`;
    })
    .join(' ');
}

/** True when any `v1` entry of the header was made by any of the secrets; never throws on malformed input. */
export function verifyStandardWebhook({ secrets, signature, ...content }: StandardWebhookCheck): boolean {
  if (!Number.isSafeInteger(content.timestamp) || content.timestamp < 0) return false;
  const received = signature
    .split(' ')
    .filter((entry) => entry.startsWith(`${VERSION},`))
    .map((entry) => Buffer.from(entry.slice(VERSION.length + 1), 'utf8'));
  let matched = false;
  // Every pair is compared, so timing does not reveal which secret or entry matched.
  for (const secret of secrets) {
    const key = standardWebhookKey(secret);
    if (key === undefined) continue;
    const expected = Buffer.from(mac(key, content), 'utf8');
    for (const candidate of received) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched;
}

function mac(key: Buffer, { id, timestamp, body }: StandardWebhookContent): string {
  return createHmac('sha256', key)
    .update(`${id}.${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
}
