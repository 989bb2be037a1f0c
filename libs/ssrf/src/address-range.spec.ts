import { addressRange, cidrContains, findRange } from './address-range';
import { parseIpAddress } from './ip-address';

const bytesOf = (ip: string): Uint8Array => {
  const parsed = parseIpAddress(ip);
  if (!parsed) throw new Error(`bad test address ${ip}`);
  return parsed.bytes;
};

describe('findRange', () => {
  const ranges = [
    addressRange('100.64.0.0/10', 'cgnat'),
    addressRange('10.0.0.0/8', 'ten'),
    addressRange('0.0.0.0/0', 'any v4'),
    addressRange('fe80::/10', 'link-local'),
  ];

  it.each([
    ['100.64.0.0', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.63.255.255', 'any v4'],
    ['100.128.0.0', 'any v4'],
    ['10.255.0.1', 'ten'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::', 'link-local'],
    ['fec0::', undefined],
    ['::ffff:10.0.0.1', undefined],
  ])('puts %s in %s', (ip, reason) => {
    expect(findRange(ranges, bytesOf(ip))?.reason).toBe(reason);
  });
});

describe('addressRange', () => {
  it.each(['10.0.0.0', '10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/8.5', 'ten/8'])(
    'rejects %s',
    (cidr) => {
      expect(() => addressRange(cidr, 'test')).toThrow(RangeError);
    },
  );
});

describe('cidrContains', () => {
  it.each<[string, string, boolean]>([
    ['0.0.0.0/0', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.244.0.0/16', true],
    ['10.244.0.0/16', '10.0.0.0/8', false],
    ['240.0.0.0/4', '255.255.255.255/32', true],
    ['2000::/3', '2001:db8::/32', true],
    ['2000::/3', 'fc00::/7', false],
    ['::/0', '10.0.0.0/8', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });
});
