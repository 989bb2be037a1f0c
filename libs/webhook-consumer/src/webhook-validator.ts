import {
  SIGNATURE_HEADER,
  STANDARD_WEBHOOK_HEADERS,
  TIMESTAMP_HEADER,
  sign,
  signStandardWebhook,
  verifySignature,
  verifyStandardWebhook,
  type SignatureScheme,
} from '@smart-dairy/signing';
import { headerValue, type HeaderSource } from './header-lookup';
import { IpAllowlist } from './ip-allowlist';
import { InMemorySeenIdStore, type SeenIdStore } from './seen-id-store';
import type { ValidationFailure, ValidationResult } from './validation-result';
import { parseWebhookEnvelope } from './webhook-envelope';

export interface WebhookHeaderNames {
  readonly signature: string;
  readonly timestamp: string;
  readonly deliveryId: string;
  readonly eventType: string;
}

export const DEFAULT_HEADER_NAMES: WebhookHeaderNames = {
  signature: SIGNATURE_HEADER,
  timestamp: TIMESTAMP_HEADER,
  deliveryId: 'X-Webhook-ID',
  eventType: 'X-Event-Type',
};

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The headers a delivery is checked with, and how its signature is made. */
interface SchemeHeaders {
  readonly scheme: SignatureScheme;
  readonly signature: string;
  readonly timestamp: string;
  readonly deliveryId: string;
}

interface CommonOptions {
  /** How far the signed timestamp may be from now, either way. */
  readonly toleranceSeconds?: number;
  readonly headers?: Partial<WebhookHeaderNames>;
  /** Where accepted deliveries are remembered; defaults to an in-memory store. */
  readonly seenIds?: SeenIdStore;
  /** CIDR ranges or addresses deliveries may come from; no check when omitted. */
  readonly allowedIps?: readonly string[];
  readonly now?: () => Date;
}

export type WebhookValidatorOptions = CommonOptions &
  (
    | { readonly secret: string; readonly secrets?: never }
    /** During a rotation: the new secret first, then the previous one. */
    | { readonly secrets: readonly string[]; readonly secret?: never }
  );

export interface RequestContext {
  /** The peer address, needed when `allowedIps` is set. */
  readonly sourceIp?: string | undefined;
}

export class WebhookValidator {
  private readonly secrets: readonly string[];
  private readonly toleranceSeconds: number;
  private readonly headerNames: WebhookHeaderNames;
  private readonly seenIds: SeenIdStore;
  private readonly allowlist: IpAllowlist | undefined;
  private readonly now: () => Date;

  constructor(options: WebhookValidatorOptions) {
    this.secrets = options.secret !== undefined ? [options.secret] : [...options.secrets];
    if (this.secrets.length === 0 || this.secrets.some((secret) => secret === '')) {
      throw new RangeError('WebhookValidator needs at least one secret, and no empty ones');
    }
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (!Number.isSafeInteger(this.toleranceSeconds) || this.toleranceSeconds < 0) {
      throw new RangeError(`toleranceSeconds must be a non-negative integer, got ${this.toleranceSeconds}`);
    }
    this.headerNames = { ...DEFAULT_HEADER_NAMES, ...options.headers };
    this.now = options.now ?? (() => new Date());
    this.seenIds = options.seenIds ?? new InMemorySeenIdStore({ now: this.now });
    this.allowlist = options.allowedIps === undefined ? undefined : new IpAllowlist(options.allowedIps);
  }

  /**
   * Checks a delivery; `rawBody` must be the bytes as received, before any JSON parsing. A delivery is
   * remembered as seen only once everything else about it checked out.
   */
  async validate(
    headers: HeaderSource,
    rawBody: Uint8Array | string,
    context: RequestContext = {},
  ): Promise<ValidationResult> {
    if (this.allowlist !== undefined) {
      const { sourceIp } = context;
      if (sourceIp === undefined || !this.allowlist.allows(sourceIp)) {
        return failure('ip_not_allowed', `source address ${sourceIp ?? '(unknown)'} is not allowed`);
      }
    }

    const names = this.schemeOf(headers);
    const signature = headerValue(headers, names.signature);
    const timestampText = headerValue(headers, names.timestamp);
    const deliveryId = headerValue(headers, names.deliveryId);
    if (signature === undefined || timestampText === undefined || deliveryId === undefined) {
      const missing = [
        signature === undefined ? names.signature : [],
        timestampText === undefined ? names.timestamp : [],
        deliveryId === undefined ? names.deliveryId : [],
      ].flat();
      return {
        valid: false,
        reason: 'missing_headers',
        message: `missing required headers: ${missing.join(', ')}`,
        missing,
      };
    }

    const timestamp = parseUnixSeconds(timestampText);
    if (timestamp === undefined) {
      return failure(
        'invalid_timestamp',
        `${names.timestamp} is not unix seconds: ${JSON.stringify(timestampText)}`,
      );
    }
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const stale = freshnessFailure(nowSeconds - timestamp, this.toleranceSeconds);
    if (stale !== undefined) return stale;

    const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
    const check = { secrets: this.secrets, timestamp, body, signature };
    const signed =
      names.scheme === 'standard-webhooks'
        ? verifyStandardWebhook({ ...check, id: deliveryId })
        : verifySignature(check);
    if (!signed) return failure('signature_mismatch', `${names.signature} does not match the body`);

    const parsed = parseWebhookEnvelope(body);
    if (!parsed.ok) return failure('invalid_body', parsed.message);
    const { envelope } = parsed;
    // The id and event type headers are not signed: they are trusted only when they repeat the signed body.
    if (deliveryId !== envelope.id) {
      return failure('signature_mismatch', `${names.deliveryId} does not match the id of the signed body`);
    }
    const eventType = headerValue(headers, this.headerNames.eventType);
    if (eventType !== undefined && eventType !== envelope.event) {
      const header = this.headerNames.eventType;
      return failure('signature_mismatch', `${header} does not match the event of the signed body`);
    }

    // Keyed on id, timestamp and attempt: retries reuse the id and may be signed within the same second, but
    // each carries its own attempt number. The entry lives exactly until the timestamp leaves the tolerance
    // window, after which the age check refuses a replay anyway.
    const replayKey = `${envelope.id}@${timestamp}#${envelope.attempt}`;
    const ttlSeconds = timestamp + this.toleranceSeconds - nowSeconds + 1;
    if (!(await this.seenIds.addIfAbsent(replayKey, ttlSeconds))) {
      return failure(
        'replayed',
        `attempt ${envelope.attempt} of delivery ${envelope.id} was already accepted`,
      );
    }

    return { valid: true, deliveryId: envelope.id, eventType: envelope.event, timestamp, envelope };
  }

  /**
   * Headers that make `payload` pass `validate` at `timestamp`, signed with the first secret in the given
   * scheme; for tests.
   */
  generateSignature(
    payload: Uint8Array | string,
    timestamp = Math.floor(this.now().getTime() / 1000),
    scheme: SignatureScheme = 'smart-dairy',
  ): Record<string, string> {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const parsed = parseWebhookEnvelope(body);
    const id = parsed.ok ? parsed.envelope.id : undefined;
    const typeHeader = parsed.ok ? { [this.headerNames.eventType]: parsed.envelope.event } : {};
    if (scheme === 'standard-webhooks') {
      if (id === undefined) throw new RangeError('a Standard Webhooks delivery needs an envelope with an id');
      return {
        'Content-Type': 'application/json',
        [STANDARD_WEBHOOK_HEADERS.id]: id,
        [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook([this.secrets[0]], { id, timestamp, body }),
        ...typeHeader,
      };
    }
    return {
      'Content-Type': 'application/json',
      [this.headerNames.signature]: sign(this.secrets[0], timestamp, body),
      [this.headerNames.timestamp]: String(timestamp),
      ...(id === undefined ? {} : { [this.headerNames.deliveryId]: id }),
      ...typeHeader,
    };
  }

  /** A delivery carrying `webhook-signature`, and not the platform's signature header, is Standard Webhooks. */
  private schemeOf(headers: HeaderSource): SchemeHeaders {
    const standard =
      headerValue(headers, this.headerNames.signature) === undefined &&
      headerValue(headers, STANDARD_WEBHOOK_HEADERS.signature) !== undefined;
    return standard
      ? {
          scheme: 'standard-webhooks',
          signature: STANDARD_WEBHOOK_HEADERS.signature,
          timestamp: STANDARD_WEBHOOK_HEADERS.timestamp,
          deliveryId: STANDARD_WEBHOOK_HEADERS.id,
        }
      : { scheme: 'smart-dairy', ...this.headerNames };
  }
}

function parseUnixSeconds(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

function freshnessFailure(ageSeconds: number, toleranceSeconds: number): ValidationFailure | undefined {
  if (ageSeconds > toleranceSeconds) {
    return failure(
      'timestamp_too_old',
      `signed ${ageSeconds}s ago, more than the ${toleranceSeconds}s allowed`,
    );
  }
  if (-ageSeconds > toleranceSeconds) {
    return failure(
      'timestamp_too_new',
      `signed ${-ageSeconds}s in the future, more than the ${toleranceSeconds}s allowed`,
    );
  }
  return undefined;
}

function failure(
  reason: Exclude<ValidationFailure['reason'], 'missing_headers'>,
  message: string,
): ValidationFailure {
  return { valid: false, reason, message };
}
