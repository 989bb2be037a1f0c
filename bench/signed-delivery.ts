import { buildDeliveryHeaders, envelopeBytes } from '@smart-dairy/schemas';
import { sign } from '@smart-dairy/signing';
import { BENCH_EVENT_TYPE, orderPayload } from './payload.ts';

export interface CeilingEndpoint {
  url: string;
  secret: string;
  subscriptionId: string;
}

/** Body and headers of one delivery, built and signed with the same library calls as the dispatcher's. */
export function signedDelivery(
  endpoint: CeilingEndpoint,
  deliveryId: string,
  orderId: string,
): { headers: Record<string, string>; body: Buffer } {
  const body = envelopeBytes({
    deliveryId,
    event: BENCH_EVENT_TYPE,
    timestamp: new Date().toISOString(),
    subscriptionId: endpoint.subscriptionId,
    attempt: 1,
    dataJson: JSON.stringify(orderPayload(orderId, new Date().toISOString())),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = buildDeliveryHeaders({
    deliveryId,
    eventType: BENCH_EVENT_TYPE,
    signature: sign(endpoint.secret, timestamp, body),
    timestamp,
  });
  return { headers, body };
}
