import { ValidationProblem, parseBody } from '@smart-dairy/http-problem';
import {
  CreateSubscriptionBody,
  RotateSecretBody,
  UpdateSubscriptionBody,
  type CreateSubscriptionInput,
} from './subscription.schemas';

const valid = { url: 'https://partner.example.com/hook', events: ['order.created'] };

function problemPaths(schema: Parameters<typeof parseBody>[0], body: unknown): string[] {
  try {
    parseBody(schema, body);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    return (error.problems ?? []).map((p) => p.path);
  }
}

describe('subscription request bodies', () => {
  it('accepts a full create body and removes repeated filters', () => {
    const input: CreateSubscriptionInput = parseBody(CreateSubscriptionBody, {
      ...valid,
      events: ['order.*', 'payment.completed', 'order.*', '*'],
      description: 'ERP',
      metadata: { team: 'erp' },
      rate_limit_per_second: 20,
    });
    expect(input.events).toEqual(['order.*', 'payment.completed', '*']);
  });

  it.each([
    ['nothing', {}, ['url', 'events']],
    ['not an object', [1], ['']],
    ['an unknown field', { ...valid, secret: 'mine' }, ['secret']],
    ['no filters', { ...valid, events: [] }, ['events']],
    ['a type outside the catalog', { ...valid, events: ['order.created', 'order.shipped'] }, ['events[1]']],
    ['a wildcard of no category', { ...valid, events: ['billing.*'] }, ['events[0]']],
    ['a partial wildcard', { ...valid, events: ['order.cre*'] }, ['events[0]']],
    ['a URL with a space', { ...valid, url: 'https://a b.example/' }, ['url']],
    ['a URL with a lone surrogate', { ...valid, url: 'https://a.example/\ud800' }, ['url']],
    ['a NUL in the description', { ...valid, description: 'a\u0000b' }, ['description']],
    ['nested metadata', { ...valid, metadata: { a: { b: 1 } } }, ['metadata.a']],
    ['a NUL in a metadata key', { ...valid, metadata: { 'a\u0000': 'x' } }, ['metadata["a\\u0000"]']],
    ['a lone surrogate as a metadata key', { ...valid, metadata: { '\ud800': '' } }, ['metadata["\\ud800"]']],
    ['a lone surrogate in a metadata value', { ...valid, metadata: { a: 'x\udc00' } }, ['metadata.a']],
    ['a lone surrogate in the description', { ...valid, description: '\udfff\ud800' }, ['description']],
    ['a fractional rate limit', { ...valid, rate_limit_per_second: 1.5 }, ['rate_limit_per_second']],
    ['a zero rate limit', { ...valid, rate_limit_per_second: 0 }, ['rate_limit_per_second']],
  ])('rejects %s at its path', (_label, body, paths) => {
    expect(problemPaths(CreateSubscriptionBody, body)).toEqual(paths);
  });

  it('lets a patch clear the optional fields with null, but not the required ones', () => {
    expect(parseBody(UpdateSubscriptionBody, { description: null, rate_limit_per_second: null })).toEqual({
      description: null,
      rate_limit_per_second: null,
    });
    expect(problemPaths(UpdateSubscriptionBody, { url: null, events: null })).toEqual(['url', 'events']);
  });

  it('takes a signature scheme and custom headers, in create and in update', () => {
    const options = {
      signature_scheme: 'standard-webhooks',
      custom_headers: { Authorization: 'Bearer t0ken', 'X-Region': 'eu' },
    };
    expect(parseBody(CreateSubscriptionBody, { ...valid, ...options })).toEqual({
      ...valid,
      ...options,
      ordering: 'none',
    });
    expect(parseBody(UpdateSubscriptionBody, options)).toEqual(options);
    expect(parseBody(UpdateSubscriptionBody, { custom_headers: null })).toEqual({ custom_headers: null });
  });

  it.each([
    ['an unknown scheme', { signature_scheme: 'hmac-sha1' }, ['signature_scheme']],
    [
      'reserved and malformed headers, each at its name',
      {
        custom_headers: {
          'X-Webhook-Signature': 'sha256=forged',
          'webhook-id': 'x',
          Connection: 'close',
          'Bad Name': 'v',
          'X-Split': 'a\r\nb',
          Authorization: 'Bearer fine',
        },
      },
      [
        'custom_headers["X-Webhook-Signature"]',
        'custom_headers["webhook-id"]',
        'custom_headers.Connection',
        'custom_headers["Bad Name"]',
        'custom_headers["X-Split"]',
      ],
    ],
    [
      'more than 20 headers',
      { custom_headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) },
      ['custom_headers'],
    ],
    ['a header value that is not text', { custom_headers: { 'X-A': 1 } }, ['custom_headers["X-A"]']],
  ])('rejects %s', (_label, options, paths) => {
    expect(problemPaths(CreateSubscriptionBody, { ...valid, ...options })).toEqual(paths);
    expect(problemPaths(UpdateSubscriptionBody, options)).toEqual(paths);
  });

  it.each([
    [{}, 86_400],
    [{ grace_period_seconds: 0 }, 0],
    [{ grace_period_seconds: 3_600 }, 3_600],
  ])('rotation with %j keeps the previous secret for %d s', (body, seconds) => {
    expect(parseBody(RotateSecretBody, body).grace_period_seconds).toBe(seconds);
  });

  it.each([[-1], [30 * 86_400 + 1], ['60']])('rejects a grace period of %p', (grace) => {
    expect(problemPaths(RotateSecretBody, { grace_period_seconds: grace })).toEqual(['grace_period_seconds']);
  });
});
