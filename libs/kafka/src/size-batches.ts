/** What one produce call may carry to one partition, well under Kafka's default max.message.bytes (1 MiB). */
export const MAX_SEND_BYTES = 512 * 1024;

/**
 * Splits messages into consecutive batches whose values add up to at most `maxBytes` (a larger message
 * goes alone). Kafka refuses a whole record batch over the topic's max.message.bytes, and that refusal is
 * not retriable: a producer that batches big messages blindly can be stuck on one batch for good.
 */
export function sizeBatches<T extends { value: Buffer | string | null }>(
  messages: readonly T[],
  maxBytes = MAX_SEND_BYTES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size =
      typeof message.value === 'string' ? Buffer.byteLength(message.value) : (message.value?.length ?? 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
