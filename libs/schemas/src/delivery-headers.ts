import {
  SIGNATURE_HEADER,
  STANDARD_WEBHOOK_HEADERS,
  TIMESTAMP_HEADER,
  sign,
  signStandardWebhook,
  type SignatureScheme,
} from '@smart-dairy/signing';
import { withCustomHeaders, type CustomHeader } from './custom-headers';
import type { EventType } from './event-catalog';

export const DELIVERY_HEADERS = {
  contentType: 'Content-Type',
  userAgent: 'User-Agent',
  deliveryId: 'X-Webhook-ID',
  eventType: 'X-Event-Type',
  signature: SIGNATURE_HEADER,
  timestamp: TIMESTAMP_HEADER,
  version: 'X-Webhook-Version',
} as const;

export const DELIVERY_CONTENT_TYPE = 'application/json';
export const DELIVERY_USER_AGENT = 'SmartDairy-Webhook/1.0';
export const WEBHOOK_API_VERSION = '1.0';

export interface DeliveryHeaderInput {
  readonly deliveryId: string;
  readonly eventType: EventType;
  /** The full signature header value, `sha256=...`. */
  readonly signature: string;
  /** Unix seconds, the same value that was signed. */
  readonly timestamp: number;
}

/** The headers of the platform's own scheme (`smart-dairy`) around a signature made already. */
export function buildDeliveryHeaders({
  deliveryId,
  eventType,
  signature,
  timestamp,
}: DeliveryHeaderInput): Record<string, string> {
  return {
    [DELIVERY_HEADERS.contentType]: DELIVERY_CONTENT_TYPE,
    [DELIVERY_HEADERS.userAgent]: DELIVERY_USER_AGENT,
    [DELIVERY_HEADERS.deliveryId]: deliveryId,
    [DELIVERY_HEADERS.eventType]: eventType,
    [DELIVERY_HEADERS.signature]: signature,
    [DELIVERY_HEADERS.timestamp]: String(timestamp),
    [DELIVERY_HEADERS.version]: WEBHOOK_API_VERSION,
  };
}

export interface SignedDeliveryInput {
  readonly scheme: SignatureScheme;
  /**
   * The secrets that sign, the current one first. The platform's scheme signs with that one only, as it
   * always did; Standard Webhooks signs with each, so a receiver that holds any of them accepts.
   */
  readonly secrets: readonly string[];
  readonly deliveryId: string;
  readonly eventType: EventType;
  /** The signing time in unix seconds: new for each attempt. */
  readonly timestamp: number;
  readonly body: Uint8Array;
  /** The subscription's own headers; none may replace a header of the platform. */
  readonly customHeaders?: readonly CustomHeader[];
}

/** Every header of one attempt: the scheme's signed headers, then the subscription's own. */
export function signedDeliveryHeaders({
  scheme,
  secrets,
  deliveryId,
  eventType,
  timestamp,
  body,
  customHeaders = [],
}: SignedDeliveryInput): Record<string, string> {
  const [current] = secrets;
  if (current === undefined) throw new RangeError('a delivery needs a secret to be signed with');
  const platform =
    scheme === 'standard-webhooks'
      ? {
          [DELIVERY_HEADERS.contentType]: DELIVERY_CONTENT_TYPE,
          [DELIVERY_HEADERS.userAgent]: DELIVERY_USER_AGENT,
          [DELIVERY_HEADERS.eventType]: eventType,
          [STANDARD_WEBHOOK_HEADERS.id]: deliveryId,
          [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(secrets, {
            id: deliveryId,
            timestamp,
            body,
          }),
        }
      : buildDeliveryHeaders({ deliveryId, eventType, signature: sign(current, timestamp, body), timestamp });
  return customHeaders.length === 0 ? platform : withCustomHeaders(platform, customHeaders);
}
