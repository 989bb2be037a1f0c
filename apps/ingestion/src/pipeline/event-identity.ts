import { createHash } from 'node:crypto';

/**
 * The dedup key of an event whose producer sent no id. Derived from where the message sits in
 * Kafka, so re-reading the same message after a crash yields the same id (and the same
 * delivery ids) instead of a fresh random one.
 */
export function derivedEventId(topic: string, partition: number, offset: string): string {
  const digest = createHash('sha256').update(`${topic}\n${partition}\n${offset}`).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
