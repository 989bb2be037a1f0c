import { entryFilterSchema, entryWhere, withoutFacet, type EntryFilter } from './entry-filter';

describe('entryWhere', () => {
  it.each<[string, EntryFilter, object]>([
    ['nothing for no filter', {}, {}],
    ['the review status', { status: 'pending' }, { reviewStatus: 'pending' }],
    [
      'each exact field',
      { event_type: 'order.created', subscription_id: 'wh_sub_1', error_class: 'http_404' },
      { eventType: 'order.created', subscriptionId: 'wh_sub_1', errorClass: 'http_404' },
    ],
    [
      'a time range, from its start up to its end, offsets read as instants',
      { moved_since: '2026-03-02T06:00:00Z', moved_until: '2026-03-02T08:00:00+01:00' },
      { movedAt: { gte: new Date('2026-03-02T06:00:00Z'), lt: new Date('2026-03-02T07:00:00Z') } },
    ],
    [
      'an open-ended range',
      { moved_until: '2026-03-02T07:00:00Z' },
      { movedAt: { lt: new Date('2026-03-02T07:00:00Z') } },
    ],
  ])('selects %s', (_case, filter, where) => {
    expect(entryWhere(filter)).toEqual(where);
  });

  it('counts a facet under every filter but its own', () => {
    const filter: EntryFilter = { status: 'pending', error_class: 'http_404' };
    expect(withoutFacet(filter, 'status')).toEqual({ error_class: 'http_404' });
    expect(withoutFacet(filter, 'error_class')).toEqual({ status: 'pending' });
    expect(filter).toEqual({ status: 'pending', error_class: 'http_404' });
  });
});

describe('entryFilterSchema', () => {
  const problems = (value: unknown) =>
    entryFilterSchema.safeParse(value).error?.issues.map((i) => [i.path.join('.'), i.code]) ?? [];

  it.each<[string, unknown, [string, string][]]>([
    [
      'a complete filter',
      { status: 'archived', event_type: 'order.created', moved_since: '2026-03-02T06:00:00Z' },
      [],
    ],
    ['an unknown status', { status: 'failed' }, [['status', 'invalid_value']]],
    ['an unknown field', { reviewStatus: 'pending' }, [['', 'unrecognized_keys']]],
    ['a zone-less time', { moved_since: '2026-03-02T06:00:00' }, [['moved_since', 'invalid_format']]],
    [
      'a range that ends before it starts, compared as instants',
      { moved_since: '2026-03-02T06:00:00Z', moved_until: '2026-03-02T06:30:00+01:00' },
      [['moved_until', 'custom']],
    ],
    ['an empty value', { event_type: '' }, [['event_type', 'too_small']]],
  ])('%s', (_case, value, expected) => {
    expect(problems(value)).toEqual(expected);
  });

  it('is strict, so a typo cannot silently widen a bulk action', () => {
    expect(entryFilterSchema.safeParse({ subscription: 'wh_sub_1' }).success).toBe(false);
  });
});
