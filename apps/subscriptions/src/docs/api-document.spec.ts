import { describeOpenApiDocument } from '@smart-dairy/testing';
import { CONTROLLERS } from '../subscriptions.module';
import { subscriptionsApiDocument } from './api-document';

const document = subscriptionsApiDocument();

// The issues list 21: 3 for API keys, 11 for subscriptions, 3 for deliveries, 2 for stats, 1 for the catalog;
// issue 20 adds recover.
describeOpenApiDocument({ document, controllers: CONTROLLERS, routes: 21 });

describe('the subscriptions API document', () => {
  it('documents the request and response schemas from the zod schemas that validate them', () => {
    const create = document.paths['/v1/subscriptions']?.post;
    const body = create?.requestBody?.content['application/json'].schema as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(body.required).toEqual(expect.arrayContaining(['url', 'events']));
    expect(body.additionalProperties).toBe(false);
    expect(create?.responses[201]?.content?.['application/json']?.schema).toEqual(
      expect.objectContaining({ required: expect.arrayContaining(['id', 'secret']) }),
    );
    const list = document.paths['/v1/subscriptions/{id}/deliveries']?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['id', 'status', 'event_type', 'since', 'until', 'limit', 'cursor']),
    );
    // A body whose fields are all optional may be left out.
    expect(document.paths['/v1/subscriptions/{id}/rotate-secret']?.post?.requestBody?.required).toBe(false);
  });

  it('describes recover and discard_backlog, each with an example', () => {
    const recover = document.paths['/v1/subscriptions/{id}/recover']?.post;
    const body = recover?.requestBody?.content['application/json'].schema as {
      required: string[];
      properties: Record<string, { description?: string }>;
      examples: unknown[];
    };
    expect(body.required).toEqual(['since']);
    expect(body.properties.since?.description).toContain('30');
    expect(body.examples).toEqual([{ since: expect.any(String), until: expect.any(String) }]);
    const answer = recover?.responses[202]?.content?.['application/json']?.schema as { examples: unknown[] };
    expect(answer.examples).toEqual([
      expect.objectContaining({ recovered: { retrying: 42, dead_lettered: 7, waiting: 0 } }),
    ]);
    const enable = document.paths['/v1/subscriptions/{id}/enable']?.post?.requestBody;
    const enableBody = enable?.content['application/json'].schema as {
      properties: Record<string, { type: string; description: string }>;
      examples: unknown[];
    };
    expect(enable?.required).toBe(false);
    expect(enableBody.properties.discard_backlog).toMatchObject({
      type: 'boolean',
      description: expect.any(String),
    });
    expect(enableBody.examples).toEqual([{ discard_backlog: true }]);
  });
});
