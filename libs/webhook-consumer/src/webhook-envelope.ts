/** The JSON body of a delivery. Fields added by later versions are kept, so partners can read them early. */
export interface WebhookEnvelope<TData extends Record<string, unknown> = Record<string, unknown>> {
  /** Delivery id, the same on every retry: the key to deduplicate on. */
  readonly id: string;
  readonly event: string;
  /** When the event occurred (ISO 8601, UTC). */
  readonly timestamp: string;
  /** The subscription the delivery is for. */
  readonly webhook_id: string;
  readonly attempt: number;
  readonly data: TData;
  readonly [field: string]: unknown;
}

export type EnvelopeParse =
  | { readonly ok: true; readonly envelope: WebhookEnvelope }
  | { readonly ok: false; readonly message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseWebhookEnvelope(body: Uint8Array): EnvelopeParse {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    return { ok: false, message: 'body is not UTF-8 JSON' };
  }
  if (!isRecord(value)) return { ok: false, message: 'body is not a JSON object' };
  const problem = firstProblem(value);
  if (problem !== undefined) return { ok: false, message: `body ${problem}` };
  return { ok: true, envelope: value as WebhookEnvelope };
}

function firstProblem(value: Record<string, unknown>): string | undefined {
  for (const field of ['id', 'event', 'timestamp', 'webhook_id'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      return `field ${field} must be a non-empty string`;
    }
  }
  const attempt = value['attempt'];
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
    return 'field attempt must be a positive integer';
  }
  if (!isRecord(value['data'])) return 'field data must be an object';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
