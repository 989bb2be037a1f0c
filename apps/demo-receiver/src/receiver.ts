import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  InMemorySeenIdStore,
  WebhookValidator,
  readRawBody,
  statusForFailure,
} from '@smart-dairy/webhook-consumer';
import { claimedFacts, deliveryLine } from './delivery-line';
import type { SecretSource } from './secret-source';

export interface ReceiverOptions {
  readonly secrets: SecretSource;
  /** Where the one line per delivery goes. */
  readonly print?: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * The demo endpoint: every POST is a delivery, verified with the secrets known at that moment. 200 when it
 * checks out, 400/401 as the validator decides, 503 while no secret is known (the dispatcher retries then),
 * and `GET /health` for the container's health check.
 */
export function createReceiver({
  secrets,
  print = (line) => console.log(line),
  now,
}: ReceiverOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  // Shared by every validator: the secrets may change between requests, the replay memory must not.
  const seenIds = new InMemorySeenIdStore({ now });
  let cached: { key: string; validator: WebhookValidator } | undefined;
  const validatorFor = (list: string[]): WebhookValidator => {
    const key = list.join('\n');
    if (cached?.key !== key) {
      cached = { key, validator: new WebhookValidator({ secrets: list, seenIds, now }) };
    }
    return cached.validator;
  };

  const receive = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readRawBody(request, DEFAULT_MAX_BODY_BYTES);
    const claimed = claimedFacts(request.headers, body);
    const list = await secrets();
    if (list.length === 0) {
      const failure = {
        valid: false,
        reason: 'no_secret',
        message: 'no signing secret is configured yet',
      } as const;
      print(deliveryLine(failure, claimed));
      return reply(response, 503, { reason: failure.reason, message: failure.message });
    }
    const result = await validatorFor(list).validate(request.headers, body);
    print(deliveryLine(result, claimed));
    if (!result.valid) {
      return reply(response, statusForFailure(result.reason), {
        reason: result.reason,
        message: result.message,
      });
    }
    reply(response, 200, { received: true });
  };

  return async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://receiver').pathname;
    if (path === '/health') return reply(response, 200, { status: 'ok' });
    if (request.method !== 'POST') {
      return reply(
        response,
        405,
        { reason: 'method_not_allowed', message: 'deliveries are POSTed' },
        { Allow: 'POST' },
      );
    }
    try {
      await receive(request, response);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The unread rest of the body is not worth receiving.
        return reply(
          response,
          413,
          { reason: 'payload_too_large', message: error.message },
          { Connection: 'close' },
        );
      }
      print(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) {
        reply(response, 500, { reason: 'receiver_failed', message: 'see the receiver log' });
      }
    }
  };
}

function reply(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(json)),
  });
  response.end(json);
}
