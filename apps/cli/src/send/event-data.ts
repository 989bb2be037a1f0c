import { parseInputMessage, type EventData, type EventType, type Problem } from '@smart-dairy/schemas';
import { messageOf } from '../error-message';

export type EventDataResult<T extends EventType> =
  | {
      readonly ok: true;
      readonly data: EventData<T>;
      /** The data as written in the file, which the delivery carries byte for byte as the platform would. */
      readonly dataJson: string;
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Parses JSON meant as the `data` of a `type` event and checks it with the schema ingestion applies, so a
 * partner only sends data the platform could really deliver. Problems are reported all at once.
 */
export function parseEventData<T extends EventType>(type: T, json: string): EventDataResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    const reason = messageOf(error);
    return { ok: false, problems: [{ path: '', message: `not valid JSON: ${reason}` }] };
  }
  const parsed = parseInputMessage({ event: type, timestamp: new Date().toISOString(), data });
  if (!parsed.ok) return parsed;
  // Checked against the schema of `type` just above. JSON.parse allows only JSON whitespace around the
  // value, and trim removes no more than that from text it accepted.
  return { ok: true, data: parsed.event.data as EventData<T>, dataJson: json.trim() };
}
