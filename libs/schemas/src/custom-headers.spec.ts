import { STANDARD_WEBHOOK_HEADERS } from '@smart-dairy/signing';
import {
  MAX_CUSTOM_HEADERS,
  customHeaderProblems,
  reservedHeaderReason,
  withCustomHeaders,
} from './custom-headers';
import { DELIVERY_HEADERS } from './delivery-headers';

const SECRET_VALUE = 'Bearer s3cr3t-t0ken';

describe('customHeaderProblems', () => {
  it.each([
    ['an API key and a routing header', { Authorization: SECRET_VALUE, 'X-Partner-Region': 'eu-west' }],
    ['every token character in a name', { "A!#$%&'*+-.^_`|~9": 'v' }],
    ['tabs and spaces inside a value', { 'X-List': 'a,\tb, c' }],
    ['20 headers', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'v']))],
    ['a value of 1024 bytes', { 'X-Long': 'v'.repeat(1024) }],
    ['nothing', {}],
  ])('accepts %s', (_case, headers) => {
    expect(customHeaderProblems(headers)).toEqual([]);
  });

  it.each([
    ['X-Webhook-Signature', 'is set by the platform'],
    ['x-webhook-timestamp', 'is set by the platform'],
    ['X-Webhook-Anything', 'is set by the platform'],
    ['webhook-signature', 'is set by the platform'],
    ['Webhook-Id', 'is set by the platform'],
    ['X-Event-Type', 'is set by the platform'],
    ['Content-Type', 'is set by the platform'],
    ['content-length', 'is set by the platform'],
    ['Content-Encoding', 'is set by the platform'],
    ['User-Agent', 'is set by the platform'],
    ['HOST', 'is set by the platform'],
    ['Connection', 'is a hop-by-hop header'],
    ['Keep-Alive', 'is a hop-by-hop header'],
    ['Transfer-Encoding', 'is a hop-by-hop header'],
    ['TE', 'is a hop-by-hop header'],
    ['Trailer', 'is a hop-by-hop header'],
    ['Upgrade', 'is a hop-by-hop header'],
    ['Proxy-Authorization', 'is a hop-by-hop header'],
    ['Expect', 'changes how the request is sent'],
  ])('refuses %s: it %s', (name, reason) => {
    expect(customHeaderProblems({ [name]: 'v' })).toEqual([
      { path: name, message: `${name} ${reason}; a subscription cannot set it` },
    ]);
  });

  it.each([
    ['a space', 'X Api'],
    ['a colon', 'X-Api:'],
    ['a non-ASCII letter', 'X-Größe'],
    ['nothing', ''],
    ['65 characters', `X-${'a'.repeat(63)}`],
  ])('refuses a name with %s', (_case, name) => {
    expect(customHeaderProblems({ [name]: 'v' })).toEqual([
      { path: name, message: expect.stringMatching(/^is not a header name/) },
    ]);
  });

  it.each([
    ['a CR LF', 'tok3n\r\nX-Injected: 1'],
    ['a lone LF', 'tok3n\nmore'],
    ['a NUL', 'tok3n\u0000'],
    ['a DEL', 'tok3n\u007f'],
    ['a non-ASCII character', 'Grüße'],
    ['a leading space', ' tok3n'],
    ['a trailing tab', 'tok3n\t'],
    ['nothing', ''],
  ])('refuses a value with %s, without repeating it', (_case, value) => {
    const problems = customHeaderProblems({ 'X-Api-Key': value });
    expect(problems).toEqual([{ path: 'X-Api-Key', message: expect.stringMatching(/^the value must be/) }]);
    if (value.trim() !== '') expect(problems[0]?.message).not.toContain(value.trim());
  });

  it('refuses a value over 1024 bytes', () => {
    expect(customHeaderProblems({ 'X-Long': 'v'.repeat(1025) })).toEqual([
      { path: 'X-Long', message: 'the value is longer than 1024 bytes' },
    ]);
  });

  it('refuses a name given twice in different cases', () => {
    expect(customHeaderProblems({ 'X-Api-Key': 'a', 'x-api-key': 'b' })).toEqual([
      { path: 'x-api-key', message: 'repeats X-Api-Key: header names are case-insensitive' },
    ]);
  });

  it('refuses more than 20 headers, and more than 8 KiB in all', () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_CUSTOM_HEADERS + 1 }, (_, i) => [`X-H${i}`, 'v']),
    );
    expect(customHeaderProblems(many)).toEqual([{ path: '', message: 'at most 20 custom headers, got 21' }]);
    const big = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`X-H${i}`, 'v'.repeat(1000)]));
    expect(customHeaderProblems(big)).toEqual([
      { path: '', message: 'names and values take at most 8192 bytes in all' },
    ]);
  });

  it('names each bad header once per problem, and leaves the good ones alone', () => {
    const problems = customHeaderProblems({
      Authorization: SECRET_VALUE,
      'X-Webhook-Signature': 'forged',
      Connection: 'close',
      'X-Bad': 'a\r\nb',
    });
    expect(problems.map(({ path }) => path)).toEqual(['X-Webhook-Signature', 'Connection', 'X-Bad']);
    expect(JSON.stringify(problems)).not.toContain(SECRET_VALUE);
  });
});

describe('reservedHeaderReason', () => {
  it('covers every header the platform sends, in either scheme', () => {
    const platform = [...Object.values(DELIVERY_HEADERS), ...Object.values(STANDARD_WEBHOOK_HEADERS)];
    expect(platform.filter((name) => reservedHeaderReason(name) === undefined)).toEqual([]);
  });

  it.each(['Authorization', 'X-Api-Key', 'Cookie', 'X-Webhooks', 'Webhook', 'Contents'])(
    'leaves %s to the subscription',
    (name) => {
      expect(reservedHeaderReason(name)).toBeUndefined();
    },
  );
});

describe('withCustomHeaders', () => {
  const platform = { 'Content-Type': 'application/json', 'X-Webhook-Signature': 'sha256=abc' };

  it('adds the custom headers after the platform ones', () => {
    expect(
      Object.entries(
        withCustomHeaders(platform, [
          ['Authorization', SECRET_VALUE],
          ['X-Region', 'eu'],
        ]),
      ),
    ).toEqual([...Object.entries(platform), ['Authorization', SECRET_VALUE], ['X-Region', 'eu']]);
  });

  it('never replaces, repeats or removes a platform header, whatever was stored', () => {
    const headers = withCustomHeaders(platform, [
      ['x-webhook-signature', 'sha256=forged'],
      ['X-Webhook-Signature', ''],
      ['content-type', 'text/plain'],
      ['X-Region', 'eu'],
    ]);
    expect(headers).toEqual({ ...platform, 'X-Region': 'eu' });
  });

  it('sends a header named __proto__ as a header', () => {
    const headers = withCustomHeaders(platform, [['__proto__', 'v']]);
    expect(Object.keys(headers)).toContain('__proto__');
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });
});
