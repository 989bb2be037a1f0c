import fc from 'fast-check';
import { BUSINESS_EVENT_TYPES, EVENT_CATALOG, type EventType } from './event-catalog';
import { MAX_EVENT_BYTES, assignEventId, inputMessageSchema, parseInputMessage } from './input-message';

const orderCreated = {
  id: 'evt_order_4821',
  event: 'order.created',
  timestamp: '2026-03-02T07:15:00Z',
  data: EVENT_CATALOG['order.created'].sample,
};
const withData = (data: Record<string, unknown>) => ({
  ...orderCreated,
  data: { ...orderCreated.data, ...data },
});
const withoutKey = (key: keyof typeof orderCreated) => {
  const { [key]: _removed, ...rest } = orderCreated;
  return rest;
};

describe('parseInputMessage', () => {
  it.each([
    ['a Buffer', Buffer.from(JSON.stringify(orderCreated))],
    ['a Uint8Array', new TextEncoder().encode(JSON.stringify(orderCreated))],
    ['a string', JSON.stringify(orderCreated)],
    ['a parsed object', orderCreated],
  ])('accepts a valid event given as %s', (_case, raw) => {
    expect(parseInputMessage(raw)).toEqual({
      ok: true,
      event: orderCreated,
      asWritten: { timestamp: orderCreated.timestamp, dataJson: JSON.stringify(orderCreated.data) },
    });
  });

  it('leaves the id undefined when the producer sent none', () => {
    const result = parseInputMessage(withoutKey('id'));
    expect(result.ok && result.event.id).toBeUndefined();
    expect(result.ok && 'id' in result.event).toBe(false);
  });

  it('keeps fields of data the schema does not know', () => {
    const result = parseInputMessage(withData({ channel: 'mobile_app' }));
    expect(result.ok && result.event.data).toMatchObject({ channel: 'mobile_app' });
  });

  it('converts an offset timestamp to UTC and keeps data times verbatim', () => {
    const result = parseInputMessage({
      ...withData({ created_at: '2026-03-02T12:45:00+05:30' }),
      timestamp: '2026-03-02T12:45:00+05:30',
    });
    expect(result.ok && result.event.timestamp).toBe('2026-03-02T07:15:00Z');
    expect(result.ok && result.event.data).toMatchObject({ created_at: '2026-03-02T12:45:00+05:30' });
  });

  // Postgres refuses U+0000 in jsonb, so such an event could never be stored: it is rejected up front.
  it.each([
    ['a string of data', withData({ note: 'a\u0000b' }), 'data.note'],
    ['a key of data', withData({ 'no\u0000te': 'x' }), 'data["no\\u0000te"]'],
    ['a nested array item', withData({ tags: ['ok', { deep: '\u0000' }] }), 'data.tags[1].deep'],
    ['a JSON escape', JSON.stringify(withData({ note: '\u0000' })), 'data.note'],
  ])('rejects U+0000 in %s', (_case, raw, path) => {
    expect(parseInputMessage(raw)).toEqual({
      ok: false,
      problems: [{ path, message: 'must not contain U+0000 (NUL)' }],
    });
  });

  // A lone surrogate has no UTF-8 form: jsonb refuses it, and a text id would be stored altered.
  it.each([
    ['a string of data', JSON.stringify(withData({ note: 'milk\ud83e' })), 'data.note'],
    ['a key of data', withData({ '\udc00': 'x' }), 'data["\\udc00"]'],
    ['the id', { ...orderCreated, id: 'evt_\ud800' }, 'id'],
  ])('rejects a lone UTF-16 surrogate in %s', (_case, raw, path) => {
    expect(parseInputMessage(raw)).toEqual({
      ok: false,
      problems: [{ path, message: 'must not contain an unpaired UTF-16 surrogate' }],
    });
  });

  it('types data by event type', () => {
    const result = parseInputMessage(orderCreated);
    if (!result.ok || result.event.event !== 'order.created')
      throw new Error('expected an order.created event');
    const firstItem: { quantity: number } | undefined = result.event.data.items[0];
    expect(firstItem?.quantity).toBe(6);
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    ['not JSON', '{"event": ', [{ path: '', message: expect.stringContaining('not valid JSON') }]],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), [{ path: '', message: 'message is not valid UTF-8' }]],
    ['a JSON array', '[]', [{ path: '', message: expect.stringContaining('expected object') }]],
    ['JSON null', 'null', [{ path: '', message: expect.stringContaining('expected object') }]],
    ['undefined', undefined, [{ path: '', message: expect.stringContaining('expected object') }]],
    [
      'an unknown event type',
      { ...orderCreated, event: 'order.shipped' },
      [{ path: 'event', message: 'unknown event type "order.shipped"' }],
    ],
    [
      'a non-string event type',
      { ...orderCreated, event: 7 },
      [{ path: 'event', message: expect.any(String) }],
    ],
    ['no timestamp', withoutKey('timestamp'), [{ path: 'timestamp', message: expect.any(String) }]],
    [
      'an unparsable timestamp',
      { ...orderCreated, timestamp: 'yesterday' },
      [{ path: 'timestamp', message: 'Invalid ISO datetime' }],
    ],
    [
      'a zone-less timestamp',
      { ...orderCreated, timestamp: '2026-03-02T07:15:00' },
      [{ path: 'timestamp', message: 'Invalid ISO datetime' }],
    ],
    ['no data', withoutKey('data'), [{ path: 'data', message: expect.any(String) }]],
    ['data as an array', { ...orderCreated, data: [] }, [{ path: 'data', message: expect.any(String) }]],
    [
      'a bad item quantity',
      withData({
        items: [{ product_id: 'PROD-MILK-WHOLE-1L', quantity: '6', unit_price: 1.25, total: 7.5 }],
      }),
      [{ path: 'data.items[0].quantity', message: expect.stringContaining('expected number') }],
    ],
    [
      'a missing data field',
      withData({ order_id: undefined }),
      [{ path: 'data.order_id', message: expect.any(String) }],
    ],
    ['an empty id', { ...orderCreated, id: '' }, [{ path: 'id', message: expect.any(String) }]],
    [
      'an id in the form the platform derives from a Kafka position',
      { ...orderCreated, id: 'kafka:0123456789abcdef0123456789abcdef' },
      [{ path: 'id', message: expect.stringContaining('reserved for ids the platform derives') }],
    ],
    ['a numeric id', { ...orderCreated, id: 4821 }, [{ path: 'id', message: expect.any(String) }]],
    [
      'an id with a newline',
      { ...orderCreated, id: 'evt\n1' },
      [{ path: 'id', message: 'must not contain control characters' }],
    ],
    [
      'an overlong id',
      { ...orderCreated, id: 'e'.repeat(256) },
      [{ path: 'id', message: expect.any(String) }],
    ],
    [
      'fields outside data',
      { ...orderCreated, source: 'pos', Data: {} },
      [
        { path: 'source', message: 'unknown field' },
        { path: 'Data', message: 'unknown field' },
      ],
    ],
    [
      'several problems at once',
      {
        event: 'order.created',
        timestamp: 'soon',
        data: { ...orderCreated.data, total: 'lots', currency: 'usd' },
      },
      [
        { path: 'timestamp', message: expect.any(String) },
        { path: 'data.total', message: expect.any(String) },
        { path: 'data.currency', message: expect.stringContaining('ISO 4217') },
      ],
    ],
  ])('reports %s', (_case, raw, problems) => {
    expect(parseInputMessage(raw)).toEqual({ ok: false, problems });
  });

  it.each([
    ['the topic category', 'order', true],
    ['another category', 'payment', false],
  ] as const)('with an expected category, an event of %s is ok: %s', (_case, expectedCategory, ok) => {
    const result = parseInputMessage(orderCreated, { expectedCategory });
    expect(result.ok).toBe(ok);
    if (!result.ok)
      expect(result.problems).toEqual([{ path: 'event', message: 'order.created is not a payment event' }]);
  });

  describe('size limit', () => {
    const padTo = (bytes: number) => {
      const base = JSON.stringify(withData({ note: '' }));
      return base.replace('"note":""', `"note":"${'x'.repeat(bytes - base.length)}"`);
    };

    it.each([
      ['bytes', (text: string) => Buffer.from(text)],
      ['a string', (text: string) => text],
    ])('accepts exactly MAX_EVENT_BYTES given as %s', (_case, as) => {
      expect(parseInputMessage(as(padTo(MAX_EVENT_BYTES))).ok).toBe(true);
    });

    it.each([
      ['bytes', Buffer.from(padTo(MAX_EVENT_BYTES + 1))],
      ['a string', padTo(MAX_EVENT_BYTES + 1)],
      ['multi-byte characters', JSON.stringify(withData({ note: 'é'.repeat(MAX_EVENT_BYTES / 2) }))],
    ])('rejects one byte more given as %s', (_case, raw) => {
      const result = parseInputMessage(raw);
      expect(result).toEqual({
        ok: false,
        problems: [{ path: '', message: expect.stringContaining('bytes') }],
      });
    });
  });

  it('does not throw on a value whose properties throw', () => {
    const hostile = Object.defineProperty({ ...orderCreated }, 'event', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(parseInputMessage(hostile)).toEqual({
      ok: false,
      problems: [{ path: '', message: expect.stringContaining('boom') }],
    });
  });

  it.each([
    ['any value', fc.anything()],
    ['any string', fc.string()],
    ['any JSON text', fc.json()],
    ['any bytes', fc.uint8Array()],
    [
      'messages with arbitrary data',
      fc.dictionary(fc.string(), fc.jsonValue()).map((data) => ({ ...orderCreated, data })),
    ],
  ])('never throws on %s', (_case, arbitrary: fc.Arbitrary<unknown>) => {
    fc.assert(
      fc.property(arbitrary, (raw) => {
        const result = parseInputMessage(raw);
        return result.ok || result.problems.length > 0;
      }),
    );
  });
});

describe('parseInputMessage asWritten', () => {
  const { data: _data, ...head } = orderCreated;
  // The producer's own writing of data: integer-like keys out of JavaScript's order, escapes, 1.0, spacing.
  const dataJson =
    '{ "order_id":"ord_4821", "customer_id":"cus_77", "items":[{"product_id":"P\u00e9","quantity":6,' +
    '"unit_price":1.0,"total":6.0}], "subtotal":6.0, "tax":0, "total":6.0, "currency":"EUR",' +
    '"status":"pending", "created_at":"2026-03-02T07:15:00Z", "extra":{"10":"ten","2":"two"} }';
  const message = (data: string, before = '', after = '') =>
    `${before}{"id":"evt_1","event":"order.created","timestamp":"2026-03-02T12:45:00.120+05:30","data":${data}${after}}`;

  it.each([
    ['bytes', (text: string) => Buffer.from(text)],
    [
      'bytes with a byte order mark',
      (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    ],
    ['a string', (text: string) => text],
  ])('keeps data and the timestamp exactly as written, given as %s', (_case, as) => {
    const result = parseInputMessage(as(message(dataJson)));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.asWritten).toEqual({ timestamp: '2026-03-02T12:45:00.120+05:30', dataJson });
    // What the parsed value would be written as instead: JavaScript puts "2" before "10" and drops ".0".
    expect(JSON.stringify(result.event.data)).not.toContain('1.0');
    expect(JSON.stringify(result.event.data)).toContain('{"2":"two","10":"ten"}');
    expect(result.event.timestamp).toBe('2026-03-02T07:15:00.120Z');
  });

  it('takes the last data member, the one JSON.parse keeps and the schema checked', () => {
    const first = JSON.stringify({ ...orderCreated.data, order_id: 'first' });
    const text = message(first, '', `,"data":${dataJson}`);
    const result = parseInputMessage(text);
    expect(result.ok && result.asWritten.dataJson).toBe(dataJson);
    expect(result.ok && result.event.data.order_id).toBe('ord_4821');
  });

  it('is JSON.stringify of data for an already parsed message, in the order given', () => {
    const data = { extra: { '10': 1 }, ...orderCreated.data };
    const result = parseInputMessage({ ...head, data });
    expect(result.ok && result.asWritten).toEqual({
      timestamp: head.timestamp,
      dataJson: JSON.stringify(data),
    });
  });

  it('is a slice of the message that parses to the data of any valid message', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
        fc.constantFrom(undefined, 2),
        (extra, indent) => {
          const text = JSON.stringify(
            { ...orderCreated, data: { ...extra, ...orderCreated.data } },
            null,
            indent,
          );
          const result = parseInputMessage(text);
          if (!result.ok) return;
          expect(text).toContain(result.asWritten.dataJson);
          expect(JSON.parse(result.asWritten.dataJson)).toEqual(JSON.parse(text).data);
        },
      ),
    );
  });
});

describe('assignEventId', () => {
  it('is evt_ and 32 hex digits, and unique', () => {
    const ids = Array.from({ length: 100 }, assignEventId);
    for (const id of ids) expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is accepted as the id of an input message', () => {
    const id = assignEventId();
    const result = parseInputMessage({ ...orderCreated, id });
    expect(result.ok && result.event.id).toBe(id);
  });
});

describe('inputMessageSchema', () => {
  const schema = inputMessageSchema(BUSINESS_EVENT_TYPES);
  const accepted = (message: unknown) => [parseInputMessage(message).ok, schema.safeParse(message).success];
  const sampleOf = (type: EventType) => ({
    event: type,
    timestamp: '2026-03-02T07:15:00Z',
    data: EVENT_CATALOG[type].sample,
  });

  it.each(BUSINESS_EVENT_TYPES)('accepts %s with its sample, as parseInputMessage does', (type) => {
    expect(accepted(sampleOf(type))).toEqual([true, true]);
  });

  it.each<[string, unknown]>([
    ['data of another type', { ...orderCreated, event: 'payment.completed' }],
    ['an unknown field', { ...orderCreated, source: 'shop' }],
    ['a reserved id', { ...orderCreated, id: 'kafka:events.order/0/1' }],
    ['no timestamp', withoutKey('timestamp')],
  ])('refuses %s, as parseInputMessage does', (_case, message) => {
    expect(accepted(message)).toEqual([false, false]);
  });

  it('leaves out the types it is not given', () => {
    expect(accepted(sampleOf('system.subscription_disabled'))).toEqual([true, false]);
  });
});
