/**
 * True when the broker answered with one of `types` (its error name, e.g. MESSAGE_TOO_LARGE). kafkajs wraps
 * the broker's error in retry errors; the original is at the end of `cause`.
 */
export function brokerErrorIs(error: unknown, types: ReadonlySet<string>): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && types.has(type)) return true;
  }
  return false;
}

/**
 * The broker refuses a record batch over the topic's `max.message.bytes` (or its own `message.max.bytes`),
 * every time: sending the same batch again cannot succeed.
 */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

export function refusedAsTooLarge(error: unknown): boolean {
  return brokerErrorIs(error, TOO_LARGE);
}
