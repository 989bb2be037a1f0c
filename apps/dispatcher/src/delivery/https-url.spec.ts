import { isHttpsUrl } from './https-url';

describe('isHttpsUrl', () => {
  it.each([
    ['https://partner.example/hook', true],
    ['HTTPS://Partner.Example/hook', true],
    ['Https://partner.example', true],
    ['http://partner.example/hook', false],
    ['HTTP://partner.example/hook', false],
    ['https:partner.example', true],
    ['ftp://partner.example/', false],
    ['not a url', false],
    ['', false],
  ])('%s → %p', (url, https) => {
    expect(isHttpsUrl(url)).toBe(https);
  });
});
