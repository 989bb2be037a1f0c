import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { parseEventData } from './event-data';

const sample = EVENT_CATALOG['payment.failed'].sample;

describe('parseEventData', () => {
  it('accepts data matching the schema, unknown fields kept', () => {
    const data = { ...sample, retry_possible: true };
    expect(parseEventData('payment.failed', JSON.stringify(data))).toEqual({
      ok: true,
      data,
      dataJson: JSON.stringify(data),
    });
  });

  it('keeps the text of the data as written, without the whitespace around it', () => {
    const written = JSON.stringify(sample).replace(/}$/, ', "attempts": {"10": 1.0, "2": "\\u00e9"}}');
    const parsed = parseEventData('payment.failed', `\n  ${written}\r\n`);
    expect(parsed.ok && parsed.dataJson).toBe(written);
  });

  it.each<[string, string, { path: string; message: string }[]]>([
    ['not JSON', '{"payment_id": ', [{ path: '', message: expect.stringMatching(/^not valid JSON: /) }]],
    ['an array', '[]', [{ path: 'data', message: expect.any(String) }]],
    [
      'every problem at once',
      JSON.stringify({ ...sample, amount: -1, currency: 'dollars', payment_id: undefined }),
      [
        { path: 'data.payment_id', message: expect.any(String) },
        { path: 'data.amount', message: expect.any(String) },
        { path: 'data.currency', message: 'expected an ISO 4217 currency code such as USD' },
      ],
    ],
    [
      'data of another event type',
      JSON.stringify(EVENT_CATALOG['user.updated'].sample),
      expect.arrayContaining([{ path: 'data.payment_id', message: expect.any(String) }]),
    ],
  ])('refuses %s', (_case, json, problems) => {
    expect(parseEventData('payment.failed', json)).toEqual({ ok: false, problems });
  });
});
