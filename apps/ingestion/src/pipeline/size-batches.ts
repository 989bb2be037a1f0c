/**
 * Splits messages into consecutive batches whose values add up to at most `maxBytes` (a larger message
 * goes alone). Kafka refuses a whole record batch over the topic's max.message.bytes, 1 MiB by default.
 */
export function sizeBatches<T extends { value: Buffer | null }>(
  messages: readonly T[],
  maxBytes: number,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
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
