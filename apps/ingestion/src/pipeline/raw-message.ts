import type { IHeaders, KafkaRecord } from '@smart-dairy/kafka';

/** A message as read from a category topic, before anything is known about its content. */
export type RawMessage = Pick<
  KafkaRecord,
  'topic' | 'partition' | 'offset' | 'key' | 'value' | 'headers' | 'trace'
>;

export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value : [value]).map((v) => v.toString()).join(',');
  }
  return out;
}
