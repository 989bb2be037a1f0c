import { describeOpenApiDocument } from '@smart-dairy/testing';
import { dlqReviewApiDocument } from './api-document';
import { DlqController } from './dlq.controller';

const document = dlqReviewApiDocument();

// The README's table: list, get, replay and archive one, replay and archive many.
describeOpenApiDocument({ document, controllers: [DlqController], routes: 6 });

describe('the dead letter queue API document', () => {
  it('documents the list filters and the page with its counts', () => {
    const list = document.paths['/v1/dlq']?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual([
      'status',
      'event_type',
      'subscription_id',
      'error_class',
      'moved_since',
      'moved_until',
      'limit',
      'cursor',
    ]);
    expect(list?.responses[200]?.content?.['application/json']?.schema).toMatchObject({
      required: ['data', 'next_cursor', 'counts'],
    });
  });

  it('documents a bulk action as ids or a filter, and 409 for an entry in the wrong status', () => {
    const replayMany = document.paths['/v1/dlq/replay']?.post;
    expect(replayMany?.requestBody?.content['application/json'].schema).toMatchObject({
      properties: { ids: { type: 'array' }, filter: { type: 'object' } },
      additionalProperties: false,
    });
    expect(Object.keys(replayMany?.responses ?? {})).toContain('202');
    expect(document.paths['/v1/dlq/{id}/replay']?.post?.responses).toHaveProperty('409');
  });

  it('lets read keys read and only admin keys act', () => {
    expect(document.paths['/v1/dlq/{id}']?.get?.description).toBe('Key scope: admin or read.');
    expect(document.paths['/v1/dlq/archive']?.post?.description).toBe('Key scope: admin.');
  });
});
