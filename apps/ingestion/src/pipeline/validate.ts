import type { InvalidEvent } from '@smart-dairy/messages';
import { isEventCategory, parseInputMessage } from '@smart-dairy/schemas';
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
        key: message.key?.toString('utf8') ?? null,
        source,
      });
    } else {
      invalid.push({
        source,
        key: message.key?.toString('utf8') ?? null,
        value: message.value?.toString('base64') ?? null,
        headers: headersAsStrings(message.headers),
        problems: result.problems,
        quarantinedAt: new Date().toISOString(),
      });
    }
  }
  return { accepted, invalid };
}
