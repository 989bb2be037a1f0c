import { DERIVED_EVENT_ID_PREFIX } from '@smart-dairy/schemas';
import { createHash } from 'node:crypto';

/**
 * The dedup key of an event whose producer sent no id. Derived from where the message sits in
 * Kafka, so re-reading the same message after a crash yields the same id (and the same
 * delivery ids) instead of a fresh random one. Its prefix is one producers may not use: otherwise
 * anyone who can predict a position could publish an event under the id of the one to come.
 */
export function derivedEventId(topic: string, partition: number, offset: string): string {
  const digest = createHash('sha256').update(`${topic}\n${partition}\n${offset}`).digest('hex');
  return `${DERIVED_EVENT_ID_PREFIX}${digest.slice(0, 32)}`;
}
