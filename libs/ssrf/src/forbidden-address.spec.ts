import fc from 'fast-check';
import { NON_PUBLIC_CIDRS, isForbiddenAddress } from './forbidden-address';

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback (127.0.0.0/8)'],
    ['127.255.255.254', 'loopback (127.0.0.0/8)'],
    ['::1', 'loopback (::1/128)'],
    ['0.0.0.0', 'unspecified (0.0.0.0/8)'],
    ['0.255.255.255', 'unspecified (0.0.0.0/8)'],
    ['::', 'unspecified (::/128)'],
    ['10.0.0.0', 'private (10.0.0.0/8)'],
    ['10.255.255.255', 'private (10.0.0.0/8)'],
    ['172.16.0.0', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.168.0.1', 'private (192.168.0.0/16)'],
    ['192.168.255.255', 'private (192.168.0.0/16)'],
    ['fc00::1', 'unique local (fc00::/7)'],
    ['fdff:ffff::1', 'unique local (fc00::/7)'],
    ['169.254.169.254', 'link-local, incl. cloud metadata (169.254.0.0/16)'],
    ['169.254.0.1', 'link-local, incl. cloud metadata (169.254.0.0/16)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['febf:ffff::1', 'link-local (fe80::/10)'],
    ['fec0::1', 'site-local (fec0::/10)'],
    ['100.64.0.0', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (100.64.0.0/10)'],
    ['224.0.0.1', 'multicast (224.0.0.0/4)'],
    ['239.255.255.255', 'multicast (224.0.0.0/4)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['240.0.0.1', 'reserved (240.0.0.0/4)'],
    ['255.255.255.254', 'reserved (240.0.0.0/4)'],
    ['255.255.255.255', 'broadcast (255.255.255.255/32)'],
    ['192.0.0.8', 'IETF protocol assignments (192.0.0.0/24)'],
    ['192.0.2.1', 'documentation (192.0.2.0/24)'],
    ['198.18.0.1', 'benchmarking (198.18.0.0/15)'],
    ['198.19.255.255', 'benchmarking (198.18.0.0/15)'],
    ['198.51.100.7', 'documentation (198.51.100.0/24)'],
    ['203.0.113.9', 'documentation (203.0.113.0/24)'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['100::1', 'discard-only (100::/64)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped address of 127.0.0.1: loopback (127.0.0.0/8)'],
    ['::ffff:7f00:1', 'IPv4-mapped address of 127.0.0.1: loopback (127.0.0.0/8)'],
    [
      '::FFFF:A9FE:A9FE',
      'IPv4-mapped address of 169.254.169.254: link-local, incl. cloud metadata (169.254.0.0/16)',
    ],
    ['::ffff:0.0.0.0', 'IPv4-mapped address of 0.0.0.0: unspecified (0.0.0.0/8)'],
    ['::127.0.0.1', 'IPv4-compatible address of 127.0.0.1: loopback (127.0.0.0/8)'],
    ['::10.1.2.3', 'IPv4-compatible address of 10.1.2.3: private (10.0.0.0/8)'],
    ['64:ff9b::10.0.0.1', 'NAT64 address of 10.0.0.1: private (10.0.0.0/8)'],
    [
      '64:ff9b::a9fe:a9fe',
      'NAT64 address of 169.254.169.254: link-local, incl. cloud metadata (169.254.0.0/16)',
    ],
    ['64:ff9b:1::8.8.8.8', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['64:ff9b:1:ffff::1', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['2002:7f00:1::', '6to4 address of 127.0.0.1: loopback (127.0.0.0/8)'],
    ['2002:c0a8:0101:1::1', '6to4 address of 192.168.1.1: private (192.168.0.0/16)'],
    ['2001::1', 'Teredo (2001::/32)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (2001::/32)'],
    ['4000::1', 'outside global unicast (2000::/3)'],
    ['100:0:0:1::1', 'outside global unicast (2000::/3)'],
    ['::ffff:1:0:0:1', 'outside global unicast (2000::/3)'],
    ['localhost', 'not an IP address'],
    ['[::1]', 'not an IP address'],
    ['0177.0.0.1', 'not an IP address'],
    ['', 'not an IP address'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, reason });
  });

  it.each([
    // Neighbours just outside forbidden ranges.
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.0',
    '192.0.3.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '198.51.99.255',
    '198.51.101.0',
    '203.0.112.255',
    '203.0.114.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81c::200e',
    '2001:1::1',
    '2001:db9::1',
    '2003::1',
    '3fff:ffff::1',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '::8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: false });
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const hexGroups = ([a, b, c, d]: number[]): string =>
    `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;

  it.each([
    ['IPv4-mapped, dotted', (v4: number[]) => `::ffff:${v4.join('.')}`],
    ['IPv4-mapped, hex', (v4: number[]) => `::ffff:${hexGroups(v4)}`],
    ['NAT64', (v4: number[]) => `64:ff9b::${hexGroups(v4)}`],
    ['6to4', (v4: number[]) => `2002:${hexGroups(v4)}::1`],
  ])('judges an %s address exactly like the IPv4 address it embeds', (_form, embed) => {
    fc.assert(
      fc.property(ipv4, (v4) => {
        expect(isForbiddenAddress(embed(v4)).forbidden).toBe(isForbiddenAddress(v4.join('.')).forbidden);
      }),
    );
  });
});

describe('NON_PUBLIC_CIDRS', () => {
  const first = (cidr: string) => cidr.split('/')[0] as string;

  it('lists ranges whose addresses isForbiddenAddress refuses, embedding forms included', () => {
    for (const cidr of [...NON_PUBLIC_CIDRS.ipv4, ...NON_PUBLIC_CIDRS.ipv6]) {
      expect([cidr, isForbiddenAddress(first(cidr)).forbidden]).toEqual([cidr, true]);
    }
    expect(NON_PUBLIC_CIDRS.ipv6).toEqual(
      expect.arrayContaining(['::ffff:0:0/96', '64:ff9b::/96', '2002::/16']),
    );
    expect(NON_PUBLIC_CIDRS.ipv6Public).toEqual(['2000::/3']);
  });
});
