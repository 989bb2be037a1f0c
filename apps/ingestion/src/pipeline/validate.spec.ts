import { EVENT_CATALOG, MAX_EVENT_BYTES, parseInputMessage } from '@smart-dairy/schemas';
import { validateMessages } from './validate';

const message = (value: Buffer | null) => ({
  topic: 'p.events.order',
  partition: 0,
  offset: '7',
  key: null,
  value,
});

describe('validateMessages', () => {
  it('keeps the whole original of an invalid message within the event size limit', () => {
    const value = Buffer.from('{"event": ');
    const [record] = validateMessages([message(value)], 'p.').invalid;
    expect(Buffer.from(record!.value!, 'base64')).toEqual(value);
    expect(record!.problems).toHaveLength(1);
  });

  it('keeps only the start of a larger original, so the record stays publishable, and says so', () => {
    const value = Buffer.alloc(900 * 1024, 'x');
    const [record] = validateMessages([message(value)], 'p.').invalid;
    expect(Buffer.from(record!.value!, 'base64')).toEqual(value.subarray(0, MAX_EVENT_BYTES));
    expect(record!.problems).toContainEqual({
      path: '',
      message: `only the first ${MAX_EVENT_BYTES} of ${value.length} bytes are kept in this record`,
    });
  });

  it('quarantines a message without a value', () => {
    const [record] = validateMessages([message(null)], 'p.').invalid;
    expect(record).toMatchObject({ value: null, problems: [{ path: '', message: 'message has no value' }] });
  });

  it('quarantines a system event that a producer wrote to a business category topic', () => {
    const forged = Buffer.from(
      JSON.stringify({
        event: 'system.subscription_disabled',
        timestamp: '2026-01-31T10:30:00Z',
        data: EVENT_CATALOG['system.subscription_disabled'].sample,
      }),
    );
    const { accepted, invalid } = validateMessages([message(forged)], 'p.');
    expect(accepted).toEqual([]);
    expect(invalid[0]).toMatchObject({
      reason: 'invalid',
      problems: [{ path: 'event', message: 'system.subscription_disabled is not a order event' }],
    });
  });

  it("carries the data text and timestamp of an accepted event as they stand in the message's bytes", () => {
    const dataJson = JSON.stringify(EVENT_CATALOG['order.cancelled'].sample).replace(
      /}$/,
      ',"lines":{"10":1.0,"2":"Cr\\u00e8me"}}',
    );
    const value = Buffer.from(
      `{"id":"evt_1","event":"order.cancelled","timestamp":"2026-01-31T11:30:00+01:00","data":${dataJson}}`,
    );
    const [event] = validateMessages([message(value)], 'p.').accepted;
    expect(event!.asWritten).toEqual({ timestamp: '2026-01-31T11:30:00+01:00', dataJson });
  });

  it('gives an event without id one derived from its position, in a form no producer may send', () => {
    const value = Buffer.from(
      JSON.stringify({
        event: 'order.created',
        timestamp: '2026-01-31T10:30:00Z',
        data: EVENT_CATALOG['order.created'].sample,
      }),
    );
    const [event] = validateMessages([message(value)], 'p.').accepted;
    expect(event!.id).toMatch(/^kafka:[0-9a-f]{32}$/);
    expect(validateMessages([{ ...message(value), offset: '8' }], 'p.').accepted[0]!.id).not.toBe(event!.id);
    const forged = parseInputMessage({ ...JSON.parse(value.toString()), id: event!.id });
    expect(forged.ok).toBe(false);
  });
});
