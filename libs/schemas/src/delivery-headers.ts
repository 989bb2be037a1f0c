import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@smart-dairy/signing';
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
