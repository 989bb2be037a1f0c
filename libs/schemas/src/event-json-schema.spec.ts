import { EVENT_CATALOG, EVENT_TYPES } from './event-catalog';
import { eventJsonSchema } from './event-json-schema';

describe('eventJsonSchema', () => {
  it.each(EVENT_TYPES)('describes the %s delivery envelope', (type) => {
    const document = eventJsonSchema(type);
    expect(document).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      title: expect.stringContaining(type),
      required: ['id', 'event', 'timestamp', 'webhook_id', 'attempt', 'data'],
      properties: {
        event: { const: type },
        timestamp: { type: 'string', format: 'date-time' },
        attempt: { type: 'integer', exclusiveMinimum: 0 },
      },
    });
    expect(document.additionalProperties).not.toBe(false);
  });

  it.each(EVENT_TYPES)('requires every %s data field and carries the sample', (type) => {
    const { schema, sample } = EVENT_CATALOG[type];
    const document = eventJsonSchema(type);
    const data = document.properties?.['data'];
    expect(data).toMatchObject({ type: 'object', required: Object.keys(schema.shape) });
    expect(document.examples).toEqual([expect.objectContaining({ event: type, data: sample })]);
  });

  it('marks money and timestamps for partners', () => {
    const data = eventJsonSchema('payment.completed').properties?.['data'];
    expect(data).toMatchObject({
      properties: {
        amount: { type: 'number', minimum: 0 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        processed_at: { type: 'string', format: 'date-time' },
      },
    });
  });
});
