import { request } from 'undici';
import type { SignedDelivery } from './test-delivery';

/**
 * How long `send` waits for the endpoint's answer. The dispatcher gives up sooner (DELIVERY_TIMEOUT_MS,
 * 10 s by default: docs/protocol.md#delivery-attempts), so an answer that comes late here is a failed
 * attempt there.
 */
const TIMEOUT_MS = 30_000;

export interface EndpointResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs the delivery's bytes with its headers and nothing else a browser-style client would add, and does
 * not follow redirects, so the endpoint's own answer is what comes back.
 */
export async function postDelivery(
  url: string | URL,
  { body, headers }: Pick<SignedDelivery, 'body' | 'headers'>,
): Promise<EndpointResponse> {
  const response = await request(url, {
    method: 'POST',
    headers,
    body,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  return { status: response.statusCode, body: await response.body.text() };
}
