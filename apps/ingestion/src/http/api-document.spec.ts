import { BUSINESS_EVENT_TYPES } from '@smart-dairy/schemas';
import { describeOpenApiDocument } from '@smart-dairy/testing';
import { ingestionApiDocument } from './api-document';
import { EventsController } from './events.controller';

const document = ingestionApiDocument();

describeOpenApiDocument({ document, controllers: [EventsController], routes: 1 });

describe('the ingestion API document', () => {
  const publish = document.paths['/v1/events']?.post;

  it('documents the body as one message per business event type, each with the data schema of its type', () => {
    const body = publish?.requestBody?.content['application/json'].schema as {
      anyOf: { properties: { event: { const: string }; data: { required: string[] } } }[];
    };
    const types = body.anyOf.map((message) => message.properties.event.const);
    expect(types).toEqual(BUSINESS_EVENT_TYPES);
    const orderCreated = body.anyOf.find((message) => message.properties.event.const === 'order.created');
    expect(orderCreated?.properties.data.required).toEqual(expect.arrayContaining(['order_id', 'items']));
  });

  it('documents the Idempotency-Key header, 202 with the event id, 409 for a reused key', () => {
    expect(publish?.parameters).toEqual([
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }),
    ]);
    expect(publish?.responses[202]?.content?.['application/json']?.schema).toMatchObject({
      required: ['id', 'event', 'status'],
    });
    expect(publish?.responses).toHaveProperty('409');
    expect(publish?.description).toBe('Key scope: admin or producer.');
  });
});
