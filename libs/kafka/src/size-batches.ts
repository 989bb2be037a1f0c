import type { IHeaders } from 'kafkajs';

/**
 * What one produce request may carry, well under Kafka's default message.max.bytes (1 MiB): kafkajs puts
 * all of a request's messages for one partition in one record batch, so a request under it keeps every
 * partition's batch under it, with room for the record framing.
 */
export const MAX_SEND_BYTES = 512 * 1024;

type Bytes = Buffer | string | null | undefined;

/**
 * Splits messages into consecutive batches whose keys and values add up to at most `maxBytes` encoded
 * bytes (a larger message goes alone). Kafka refuses a whole record batch over the topic's
 * max.message.bytes, and that refusal is not retriable: a producer that batches big messages blindly can
 * be stuck on one batch for good.
 */
export function sizeBatches<T extends { key?: Bytes; value: Bytes; headers?: IHeaders }>(
  messages: readonly T[],
  maxBytes = MAX_SEND_BYTES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = encodedBytes(message.key) + encodedBytes(message.value) + headerBytes(message.headers);
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

/** Trace context rides in headers: up to 512 bytes of `tracestate` per message. */
function headerBytes(headers: IHeaders | undefined): number {
  if (!headers) return 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    bytes += Buffer.byteLength(name);
    for (const v of Array.isArray(value) ? value : [value]) bytes += encodedBytes(v);
  }
  return bytes;
}

function encodedBytes(bytes: Bytes): number {
  return typeof bytes === 'string' ? Buffer.byteLength(bytes) : (bytes?.length ?? 0);
}
