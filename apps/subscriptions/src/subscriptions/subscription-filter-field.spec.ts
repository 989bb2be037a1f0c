import { ValidationProblem, parseBody, type FieldProblem } from '@smart-dairy/http-problem';
import { subscriptionsApiDocument } from '../docs/api-document';
import { CreateSubscriptionBody, FilterTestBody, UpdateSubscriptionBody } from './subscription.schemas';

const valid = { url: 'https://partner.example.com/hook', events: ['order.created'] };

function problems(schema: Parameters<typeof parseBody>[0], body: unknown): readonly FieldProblem[] {
  try {
    parseBody(schema, body);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    return error.problems ?? [];
  }
}

describe('the filter field of subscription bodies', () => {
  it('keeps a valid filter as it was sent', () => {
    const filter = { 'data.total': { $gte: 100 }, $not: { 'data.status': 'test' } };
    expect(parseBody(CreateSubscriptionBody, { ...valid, filter }).filter).toBe(filter);
    expect(parseBody(UpdateSubscriptionBody, { filter }).filter).toBe(filter);
  });

  it('lets a patch remove the filter with null, and leaves it out when absent', () => {
    expect(parseBody(UpdateSubscriptionBody, { filter: null })).toEqual({ filter: null });
    expect(parseBody(UpdateSubscriptionBody, {})).toEqual({});
    expect(problems(CreateSubscriptionBody, { ...valid, filter: null }).map((p) => p.path)).toEqual([
      'filter',
    ]);
  });

  it('answers one problem per bad part, each at its path in the body', () => {
    const filter = {
      'data.total': { $gte: true },
      $or: [{ region: 'EU' }, { 'data.tags': ['a'] }],
      $not: { 'data.status': { $regex: '^t' } },
    };
    expect(problems(CreateSubscriptionBody, { ...valid, filter })).toEqual([
      { path: 'filter["data.total"].$gte', message: expect.stringMatching(/^must be a number or a string/) },
      {
        path: 'filter.$or[0].region',
        message: expect.stringMatching(/^field path is not part of the event/),
      },
      { path: 'filter.$or[1]["data.tags"]', message: 'use {"$in": [...]} to match one of several values' },
      { path: 'filter.$not["data.status"].$regex', message: expect.stringMatching(/^unknown operator/) },
    ]);
    expect(problems(UpdateSubscriptionBody, { filter: 'data.total > 100' })).toEqual([
      { path: 'filter', message: expect.stringMatching(/^must be an object of conditions/) },
    ]);
  });

  it('takes a sample event for the filter test, its data optional and not checked against the catalog', () => {
    expect(parseBody(FilterTestBody, { event: 'order.created' })).toEqual({ event: 'order.created' });
    expect(parseBody(FilterTestBody, { event: 'order.created', data: { total: 5 } }).data).toEqual({
      total: 5,
    });
    expect(problems(FilterTestBody, { event: 'order.shipped', data: [] }).map((p) => p.path)).toEqual([
      'event',
      'data',
    ]);
  });
});

describe('the filter in the OpenAPI document', () => {
  const document = subscriptionsApiDocument();
  const schemaOf = (path: string, method: 'post' | 'patch' | 'get', status?: number) => {
    const operation = document.paths[path]?.[method];
    const content =
      status === undefined ? operation?.requestBody?.content : operation?.responses[status]?.content;
    return content?.['application/json']?.schema as { properties: Record<string, Record<string, unknown>> };
  };

  it('describes the field with an example in the create body and the subscription view', () => {
    const filter = schemaOf('/v1/subscriptions', 'post').properties.filter;
    expect(filter).toMatchObject({ type: 'object', description: expect.stringContaining('$or') });
    expect(filter?.examples).toEqual([expect.objectContaining({ 'data.total': { $gte: 100 } })]);
    expect(JSON.stringify(schemaOf('/v1/subscriptions/{id}', 'get', 200).properties.filter)).toContain(
      'data.total',
    );
  });

  it('documents the filter test as a read route', () => {
    const operation = document.paths['/v1/subscriptions/{id}/filter-test']?.post;
    expect(operation?.description).toBe('Key scope: admin or read.');
    expect(Object.keys(schemaOf('/v1/subscriptions/{id}/filter-test', 'post', 200).properties)).toEqual([
      'matches',
      'events_match',
      'filter_matches',
      'failed',
    ]);
  });
});
