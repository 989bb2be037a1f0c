import { ValidationProblem } from '@smart-dairy/http-problem';
import { EndpointUrlPolicy } from './endpoint-url-policy';

const production = new EndpointUrlPolicy({ allowPrivate: false, requireHttps: true }, 2048);
const development = new EndpointUrlPolicy({ allowPrivate: true, requireHttps: false }, 2048);

function problemOf(policy: EndpointUrlPolicy, url: string): string | undefined {
  try {
    policy.normalize(url);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    expect(error.problems?.[0]?.path).toBe('url');
    return error.problems?.[0]?.message;
  }
}

describe('EndpointUrlPolicy', () => {
  it.each(['https://partner.example.com/webhooks', 'https://93.184.216.34:8443/hook'])(
    'lets production deliver to %s',
    (url) => {
      expect(problemOf(production, url)).toBeUndefined();
    },
  );

  it.each([
    ['http://partner.example.com/webhooks', /https/],
    ['https://127.0.0.1/hook', /not allowed/],
    ['https://10.1.2.3/hook', /not allowed/],
    ['https://169.254.169.254/latest', /not allowed/],
    ['https://[::1]/hook', /not allowed/],
    ['https://localhost/hook', /not allowed/],
    ['ftp://partner.example.com/', /https/],
    ['partner.example.com/hook', /absolute/],
  ])('refuses %s in production', (url, message) => {
    expect(problemOf(production, url)).toMatch(message);
  });

  it.each([
    ['http://127.0.0.1:4000/hook', undefined],
    ['http://receiver.local/hook', undefined],
    ['ftp://127.0.0.1/', /http or https/],
    ['/relative', /absolute/],
  ])('in development judges %s: %p', (url, message) => {
    const problem = problemOf(development, url);
    if (message === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(message);
  });

  it.each([
    ['HTTPS://Partner.Example.COM/Hooks', 'https://partner.example.com/Hooks'],
    ['https://partner.example.com', 'https://partner.example.com/'],
    ['https://partner.example.com:443/a/../b', 'https://partner.example.com/b'],
    ['https://bücher.example/x y', 'https://xn--bcher-kva.example/x%20y'],
  ])('stores %s as the parsed %s', (url, stored) => {
    expect(production.normalize(url)).toBe(stored);
  });

  it('refuses a URL that grows past the length limit once normalised', () => {
    const short = new EndpointUrlPolicy({ allowPrivate: false, requireHttps: true }, 30);
    expect(problemOf(short, 'https://partner.example/ü')).toBeUndefined();
    expect(problemOf(short, 'https://partner.example/üüü')).toMatch(/at most 30 characters once normalised/);
  });
});
