import type { ValidationResult } from '@smart-dairy/webhook-consumer';

export interface DeliveryFacts {
  readonly eventType: string | undefined;
  readonly deliveryId: string | undefined;
  readonly attempt: number | undefined;
}

/**
 * What a rejected request claims to be, from its headers and body. Unverified, so only ever printed next
 * to `verified=no`.
 */
export function claimedFacts(headers: Record<string, unknown>, body: Buffer): DeliveryFacts {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  let attempt: number | undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const value = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'attempt') : undefined;
    if (typeof value === 'number') attempt = value;
  } catch {
    // Not JSON: the line simply has no attempt.
  }
  return { eventType: header('x-event-type'), deliveryId: header('x-webhook-id'), attempt };
}

/** One line per delivery: `order.created wh_... attempt=1 verified=yes` or `... verified=no reason=...`. */
export function deliveryLine(
  result: ValidationResult | { valid: false; reason: string; message: string },
  claimed: DeliveryFacts,
): string {
  const facts = result.valid
    ? { eventType: result.eventType, deliveryId: result.deliveryId, attempt: result.envelope.attempt }
    : claimed;
  const head = `${facts.eventType ?? '-'} ${facts.deliveryId ?? '-'} attempt=${facts.attempt ?? '-'}`;
  return result.valid
    ? `${head} verified=yes`
    : `${head} verified=no reason=${result.reason} (${result.message})`;
}
