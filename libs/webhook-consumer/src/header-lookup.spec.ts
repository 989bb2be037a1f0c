import { headerValue, type HeaderSource } from './header-lookup';

describe('headerValue', () => {
  it.each<[string, HeaderSource, string | undefined]>([
    ['a lower-case key', { 'x-webhook-id': 'wh_1' }, 'wh_1'],
    ['a differently cased key', { 'X-WEBHOOK-ID': 'wh_1' }, 'wh_1'],
    ['the first of repeated values', { 'x-webhook-id': ['wh_1', 'wh_2'] }, 'wh_1'],
    ['a number', { 'x-webhook-id': 42 }, '42'],
    ['a fetch Headers object', new Headers({ 'X-Webhook-ID': 'wh_1' }), 'wh_1'],
    ['an absent header', { 'x-other': 'wh_1' }, undefined],
    ['an empty value', { 'x-webhook-id': '' }, undefined],
    ['an empty array', { 'x-webhook-id': [] }, undefined],
    ['an undefined value', { 'x-webhook-id': undefined }, undefined],
    ['an absent header in Headers', new Headers(), undefined],
    ['an inherited property name', {}, undefined],
  ])('reads %s', (_case, headers, expected) => {
    expect(headerValue(headers, 'X-Webhook-ID')).toBe(expected);
  });

  it('does not mistake a header called "get" for fetch Headers', () => {
    expect(headerValue({ get: 'x', 'x-webhook-id': 'wh_1' }, 'X-Webhook-ID')).toBe('wh_1');
  });

  it('does not read prototype properties', () => {
    expect(headerValue({}, 'constructor')).toBeUndefined();
  });
});
