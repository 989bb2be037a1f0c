import { IpAllowlist } from './ip-allowlist';

describe('IpAllowlist', () => {
  // IPv4 and IPv6 documentation ranges (RFC 5737, RFC 3849) and single addresses of each family.
  const allowlist = new IpAllowlist([
    '203.0.113.0/24',
    '198.51.100.0/24',
    '2001:db8:abcd::/48',
    '192.0.2.10',
    '::1',
  ]);

  it.each([
    ['203.0.113.0', true],
    ['203.0.113.255', true],
    ['198.51.100.42', true],
    ['203.0.114.1', false],
    ['192.0.2.10', true],
    ['192.0.2.11', false],
    ['::ffff:203.0.113.9', true],
    ['::ffff:10.0.0.1', false],
    ['2001:db8:abcd:12::1', true],
    ['2001:db8:abce::1', false],
    ['::1', true],
    ['127.0.0.1', false],
    ['', false],
    ['not-an-ip', false],
    ['203.0.113.0/24', false],
  ])('%j is allowed: %s', (address, allowed) => {
    expect(allowlist.allows(address)).toBe(allowed);
  });

  it('can allow everything explicitly', () => {
    const everyone = new IpAllowlist(['0.0.0.0/0', '::/0']);
    expect(everyone.allows('8.8.8.8')).toBe(true);
    expect(everyone.allows('2606:4700::1111')).toBe(true);
  });

  it.each([
    ['an empty list', []],
    ['a host name', ['smartdairy.example']],
    ['a prefix too long for IPv4', ['203.0.113.0/33']],
    ['a prefix too long for IPv6', ['2001:db8::/129']],
    ['a negative prefix', ['203.0.113.0/-1']],
    ['an empty prefix', ['203.0.113.0/']],
    ['two prefixes', ['203.0.113.0/24/8']],
    ['an octet out of range', ['203.0.113.256/32']],
  ])('refuses %s', (_case, entries) => {
    expect(() => new IpAllowlist(entries)).toThrow(RangeError);
  });
});
