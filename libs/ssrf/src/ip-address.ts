import { isIP } from 'node:net';

export interface IpAddress {
  readonly version: 4 | 6;
  /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
}

/**
 * Parses the canonical textual forms only (as `net.isIP` accepts them): no octal, hex or shortened IPv4 such
 * as `0177.1`, since the OS resolver never hands those back and URL parsing has already normalised them.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  switch (isIP(text)) {
    case 4:
      return { version: 4, bytes: parseIPv4(text) };
    case 6:
      return { version: 6, bytes: parseIPv6(text) };
    default:
      return undefined;
  }
}

export function formatIPv4(bytes: Uint8Array): string {
  return bytes.join('.');
}

function parseIPv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function parseIPv6(text: string): Uint8Array {
  // A zone (`fe80::1%eth0`) only selects the interface; it is no part of the address.
  const withoutZone = text.split('%')[0];
  const [head, tail] = withoutZone.split('::');
  const headGroups = toHexGroups(head);
  const tailGroups = tail === undefined ? [] : toHexGroups(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Groups of one side of `::`, with a trailing dotted quad (`::ffff:1.2.3.4`) turned into two groups. */
function toHexGroups(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((piece) => {
    if (!piece.includes('.')) return [parseInt(piece, 16)];
    const [a, b, c, d] = parseIPv4(piece);
    return [(a << 8) | b, (c << 8) | d];
  });
}
