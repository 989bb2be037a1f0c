import { z } from 'zod';
import { EVENT_CATALOG, type EventType } from './event-catalog';
import { isoTimestamp } from './iso-timestamp';

export type JsonSchemaDocument = z.core.JSONSchema.JSONSchema;

/** A JSON Schema (draft 2020-12) of the delivery envelope partners receive for one event type. */
export function eventJsonSchema(type: EventType): JsonSchemaDocument {
  const { description, version, schema, sample } = EVENT_CATALOG[type];
  // Loose at every level: partners should accept fields added in later minor versions.
  const envelope = z
    .looseObject({
      id: z.string().min(1).describe('Delivery id, the same on every attempt; use it to deduplicate'),
      event: z.literal(type),
      timestamp: isoTimestamp.describe('When the event occurred'),
      webhook_id: z.string().min(1).describe('Subscription id'),
      attempt: z.number().int().positive().describe('1 on the first attempt'),
      data: schema,
    })
    .meta({
      title: `${type} webhook delivery, version ${version}`,
      description,
      examples: [
        {
          id: 'wh_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          event: type,
          timestamp: '2026-03-02T07:15:00Z',
          webhook_id: 'sub_2b7c41d9',
          attempt: 1,
          data: sample,
        },
      ],
    });
  return z.toJSONSchema(envelope, { target: 'draft-2020-12' });
}
