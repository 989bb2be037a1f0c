import { bearerToken } from './bearer-token';

describe('bearerToken', () => {
  it.each<[string | undefined, string | undefined]>([
    ['Bearer sdk_abc', 'sdk_abc'],
    ['bearer sdk_abc', 'sdk_abc'],
    ['BEARER   sdk_abc  ', 'sdk_abc'],
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer sdk_abc sdk_def', undefined],
    ['sdk_abc', undefined],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
