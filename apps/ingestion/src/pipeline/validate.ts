import type { InvalidEvent, QuarantineReason } from '@smart-dairy/messages';
import { MAX_EVENT_BYTES, isEventCategory, parseInputMessage, type Problem } from '@smart-dairy/schemas';
import type { AcceptedEvent } from './accepted-event';
import { derivedEventId } from './event-identity';
import { headersAsStrings, type RawMessage } from './raw-message';

export interface ValidatedBatch {
  accepted: AcceptedEvent[];
  invalid: InvalidEvent[];
}

/**
 * Splits raw messages into typed events and quarantine records. Never throws: whatever a
 * producer wrote ends up on one side or the other.
 */
export function validateMessages(messages: readonly RawMessage[], topicPrefix: string): ValidatedBatch {
  const accepted: AcceptedEvent[] = [];
  const invalid: InvalidEvent[] = [];
  for (const message of messages) {
    const category = message.topic.slice(topicPrefix.length).replace(/^events\./, '');
    const result = message.value
      ? parseInputMessage(message.value, isEventCategory(category) ? { expectedCategory: category } : {})
      : { ok: false as const, problems: [{ path: '', message: 'message has no value' }] };
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };
    if (result.ok) {
      accepted.push({
        id: result.event.id ?? derivedEventId(message.topic, message.partition, message.offset),
        event: result.event,
        asWritten: result.asWritten,
        key: message.key?.toString('utf8') ?? null,
        source,
      });
    } else {
      invalid.push(quarantineRecord(message, 'invalid', result.problems));
    }
  }
  return { accepted, invalid };
}

/** The `events.invalid` record of a message, with its original bytes. */
export function quarantineRecord(
  message: RawMessage,
  reason: QuarantineReason,
  problems: readonly Problem[],
): InvalidEvent {
  const kept = message.value?.subarray(0, MAX_EVENT_BYTES) ?? null;
  return {
    reason,
    source: { topic: message.topic, partition: message.partition, offset: message.offset },
    key: message.key?.toString('utf8') ?? null,
    value: kept?.toString('base64') ?? null,
    headers: headersAsStrings(message.headers),
    problems:
      kept && message.value && kept.length < message.value.length
        ? [...problems, truncated(kept.length, message.value.length)]
        : [...problems],
    quarantinedAt: new Date().toISOString(),
  };
}

/**
 * A quarantine record must stay publishable: Kafka takes messages up to 1 MiB, so a category topic can hold
 * an original that would not fit again once base64-encoded. Only its start is kept, and said so.
 */
function truncated(kept: number, size: number): Problem {
  return { path: '', message: `only the first ${kept} of ${size} bytes are kept in this record` };
}
