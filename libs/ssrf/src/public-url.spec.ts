import { UnsafeUrlError, assertPublicUrl } from './public-url';

const production = { allowPrivate: false, requireHttps: true };
const development = { allowPrivate: true, requireHttps: false };

describe('assertPublicUrl', () => {
  it.each([
    ['https://hooks.example.com/smart-dairy', production],
    ['https://hooks.example.com:8443/a?b=c', production],
    ['https://8.8.8.8/hook', production],
    ['https://[2606:4700:4700::1111]/hook', production],
    ['http://hooks.example.com/hook', { allowPrivate: false, requireHttps: false }],
    ['http://localhost:3000/hook', development],
    ['http://127.0.0.1:3000/hook', development],
    ['https://[::1]/hook', development],
  ])('accepts %s under %j', (url, policy) => {
    expect(assertPublicUrl(url, policy).href).toBe(new URL(url).href);
  });

  it.each([
    ['/relative/path', development, 'must be an absolute URL'],
    ['not a url', development, 'must be an absolute URL'],
    ['ftp://hooks.example.com/', development, 'must use http or https, not ftp:'],
    ['file:///etc/passwd', development, 'must use http or https, not file:'],
    ['javascript:alert(1)', development, 'must use http or https, not javascript:'],
    ['http://hooks.example.com/', production, 'must use https, not http:'],
    ['https://127.0.0.1/', production, 'host 127.0.0.1 is not allowed: loopback (127.0.0.0/8)'],
    [
      'https://169.254.169.254/latest/meta-data',
      production,
      'host 169.254.169.254 is not allowed: link-local',
    ],
    ['https://10.1.2.3/', production, 'host 10.1.2.3 is not allowed: private (10.0.0.0/8)'],
    ['https://[::1]/', production, 'host [::1] is not allowed: loopback (::1/128)'],
    [
      'https://[::ffff:127.0.0.1]/',
      production,
      'host [::ffff:7f00:1] is not allowed: IPv4-mapped address of 127.0.0.1',
    ],
    ['https://[fd00::1]/', production, 'host [fd00::1] is not allowed: unique local'],
    // The URL parser turns these IPv4 spellings into 127.0.0.1 / 10.0.0.1 before the check.
    ['https://2130706433/', production, 'host 127.0.0.1 is not allowed: loopback'],
    ['https://0x7f.1/', production, 'host 127.0.0.1 is not allowed: loopback'],
    ['https://012.0.0.1/', production, 'host 10.0.0.1 is not allowed: private'],
    ['https://0/', production, 'host 0.0.0.0 is not allowed: unspecified'],
    ['https://127.0.0.1./', production, 'host 127.0.0.1 is not allowed: loopback'],
    ['https://localhost/', production, 'host localhost is not allowed: loopback name'],
    ['https://LOCALHOST./', production, 'host localhost. is not allowed: loopback name'],
    ['https://api.localhost/', production, 'host api.localhost is not allowed: loopback name'],
  ])('rejects %s under %j', (url, policy, message) => {
    const attempt = () => assertPublicUrl(url, policy);
    expect(attempt).toThrow(UnsafeUrlError);
    expect(attempt).toThrow(message);
  });
});
