import { addressRange, findRange, type AddressRange } from './address-range';
import { formatIPv4, parseIpAddress } from './ip-address';

export type AddressVerdict =
  | { readonly forbidden: false; readonly reason?: undefined }
  | { readonly forbidden: true; readonly reason: string };

const forbiddenRange = (cidr: string, label: string): AddressRange =>
  addressRange(cidr, `${label} (${cidr})`);

// Where ranges nest (broadcast within reserved), the narrower comes first so the reason names it.
const FORBIDDEN_IPV4 = [
  forbiddenRange('0.0.0.0/8', 'unspecified'),
  forbiddenRange('10.0.0.0/8', 'private'),
  forbiddenRange('100.64.0.0/10', 'carrier-grade NAT'),
  forbiddenRange('127.0.0.0/8', 'loopback'),
  forbiddenRange('169.254.0.0/16', 'link-local, incl. cloud metadata'),
  forbiddenRange('172.16.0.0/12', 'private'),
  forbiddenRange('192.0.0.0/24', 'IETF protocol assignments'),
  forbiddenRange('192.0.2.0/24', 'documentation'),
  forbiddenRange('192.168.0.0/16', 'private'),
  forbiddenRange('198.18.0.0/15', 'benchmarking'),
  forbiddenRange('198.51.100.0/24', 'documentation'),
  forbiddenRange('203.0.113.0/24', 'documentation'),
  forbiddenRange('224.0.0.0/4', 'multicast'),
  forbiddenRange('255.255.255.255/32', 'broadcast'),
  forbiddenRange('240.0.0.0/4', 'reserved'),
];

const FORBIDDEN_IPV6 = [
  forbiddenRange('::/128', 'unspecified'),
  forbiddenRange('::1/128', 'loopback'),
  forbiddenRange('100::/64', 'discard-only'),
  // Local-use NAT64 translates into the operator's own network, and where the IPv4 address sits inside
  // depends on a prefix length only that operator knows, so none of it can be checked.
  forbiddenRange('64:ff9b:1::/48', 'local-use NAT64'),
  forbiddenRange('2001::/32', 'Teredo'),
  forbiddenRange('2001:db8::/32', 'documentation'),
  forbiddenRange('fc00::/7', 'unique local'),
  forbiddenRange('fe80::/10', 'link-local'),
  forbiddenRange('fec0::/10', 'site-local'),
  forbiddenRange('ff00::/8', 'multicast'),
];

interface EmbeddingRange extends AddressRange {
  readonly embeddedIPv4: (bytes: Uint8Array) => Uint8Array;
}

const lastFourBytes = (bytes: Uint8Array): Uint8Array => bytes.subarray(12, 16);

// These reach an IPv4 host, so they are exactly as forbidden as the IPv4 address they carry.
const IPV6_EMBEDDING_IPV4: readonly EmbeddingRange[] = [
  { ...addressRange('::ffff:0:0/96', 'IPv4-mapped'), embeddedIPv4: lastFourBytes },
  { ...addressRange('::/96', 'IPv4-compatible'), embeddedIPv4: lastFourBytes },
  { ...addressRange('64:ff9b::/96', 'NAT64'), embeddedIPv4: lastFourBytes },
  { ...addressRange('2002::/16', '6to4'), embeddedIPv4: (bytes) => bytes.subarray(2, 6) },
];

// Nothing outside it is assigned for public use; refusing the rest also covers ranges IANA reserves later.
const GLOBAL_UNICAST = [addressRange('2000::/3', 'global unicast')];

const ALLOWED: AddressVerdict = { forbidden: false };

/**
 * The same rules as CIDR lists, for a firewall or NetworkPolicy, which cannot look inside an
 * address: the forbidden ranges, the IPv4-embedding IPv6 ranges whole (checked here by the IPv4
 * address they carry), and, for IPv6, only global unicast as the range to allow at all.
 */
export const NON_PUBLIC_CIDRS = {
  ipv4: FORBIDDEN_IPV4.map((range) => range.cidr),
  ipv6: [...FORBIDDEN_IPV6, ...IPV6_EMBEDDING_IPV4].map((range) => range.cidr),
  ipv6Public: GLOBAL_UNICAST.map((range) => range.cidr),
} as const;

/** Whether a delivery may connect to `ip`; anything that is not a plain IP address is refused. */
export function isForbiddenAddress(ip: string): AddressVerdict {
  const address = parseIpAddress(ip);
  if (!address) return { forbidden: true, reason: 'not an IP address' };
  return address.version === 4 ? checkIPv4(address.bytes) : checkIPv6(address.bytes);
}

function checkIPv4(bytes: Uint8Array): AddressVerdict {
  const range = findRange(FORBIDDEN_IPV4, bytes);
  return range ? { forbidden: true, reason: range.reason } : ALLOWED;
}

function checkIPv6(bytes: Uint8Array): AddressVerdict {
  const forbidden = findRange(FORBIDDEN_IPV6, bytes);
  if (forbidden) return { forbidden: true, reason: forbidden.reason };
  const embedding = findRange(IPV6_EMBEDDING_IPV4, bytes);
  if (embedding) {
    const ipv4 = embedding.embeddedIPv4(bytes);
    const verdict = checkIPv4(ipv4);
    if (!verdict.forbidden) return ALLOWED;
    return {
      forbidden: true,
      reason: `${embedding.reason} address of ${formatIPv4(ipv4)}: ${verdict.reason}`,
    };
  }
  if (!findRange(GLOBAL_UNICAST, bytes))
    return { forbidden: true, reason: 'outside global unicast (2000::/3)' };
  return ALLOWED;
}
