import type { RecordMetadata } from 'kafkajs';

/** Where Kafka put one record of a batch. */
export interface RecordAck {
  readonly partition: number;
  /** Kafka offsets are int64; a string keeps them exact. */
  readonly offset: string;
}

export interface Placement {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Gives each record of one produce request its offset. Kafka answers once per partition with the offset of
 * the partition's first record, and the partition's records follow it consecutively in the order sent.
 */
export function recordOffsets(
  placements: readonly Placement[],
  results: readonly RecordMetadata[],
): RecordAck[] {
  const next = new Map<string, bigint>();
  for (const { topicName, partition, baseOffset } of results) {
    if (baseOffset !== undefined) next.set(partitionKey(topicName, partition), BigInt(baseOffset));
  }
  return placements.map(({ topic, partition }) => {
    const key = partitionKey(topic, partition);
    const offset = next.get(key);
    if (offset === undefined) throw new Error(`Kafka sent no offset for ${topic} partition ${partition}`);
    next.set(key, offset + 1n);
    return { partition, offset: offset.toString() };
  });
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\n${partition}`;
}
