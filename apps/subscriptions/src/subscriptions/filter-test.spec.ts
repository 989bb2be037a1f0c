import { filterTest } from './filter-test';

const order = { event: 'order.created', data: { total: 80, currency: 'EUR', shipping: { country: 'FR' } } };

describe('filterTest', () => {
  it('matches an event of a selected type that passes the filter', () => {
    expect(filterTest({ events: ['order.*'], filter: { 'data.total': { $lt: 100 } } }, order)).toEqual({
      matches: true,
      events_match: true,
      filter_matches: true,
      failed: [],
    });
  });

  it('matches every event of a selected type without a filter', () => {
    expect(filterTest({ events: ['*'], filter: null }, order)).toMatchObject({ matches: true, failed: [] });
  });

  it('names each part that keeps the event out, as paths into the subscription', () => {
    const filter = {
      'data.total': { $gte: 100 },
      $or: [{ 'data.currency': 'USD' }, { 'data.shipping.country': { $in: ['DE', 'AT'] } }],
    };
    expect(filterTest({ events: ['payment.*', 'order.updated'], filter }, order)).toEqual({
      matches: false,
      events_match: false,
      filter_matches: false,
      failed: [
        { clause: 'events', message: '["payment.*","order.updated"] select no order.created event' },
        { clause: 'filter["data.total"].$gte', message: 'data.total is 80, not $gte 100' },
        { clause: 'filter.$or', message: 'no alternative matched' },
        { clause: 'filter.$or[0]["data.currency"]', message: 'data.currency is "EUR", not $eq "USD"' },
        {
          clause: 'filter.$or[1]["data.shipping.country"].$in',
          message: 'data.shipping.country is "FR", not $in ["DE","AT"]',
        },
      ],
    });
  });

  it('reports the event types alone when only they keep the event out', () => {
    expect(filterTest({ events: ['order.updated'], filter: { 'data.total': 80 } }, order)).toMatchObject({
      matches: false,
      events_match: false,
      filter_matches: true,
    });
  });

  it('lets nothing through a stored filter that does not compile, and says why', () => {
    expect(filterTest({ events: ['*'], filter: { total: 80 } }, order)).toEqual({
      matches: false,
      events_match: true,
      filter_matches: false,
      failed: [
        {
          clause: 'filter.total',
          message: expect.stringMatching(
            /^the stored filter is invalid: field path is not part of the event/,
          ),
        },
      ],
    });
  });
});
