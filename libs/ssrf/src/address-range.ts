import { parseIpAddress } from './ip-address';

export interface AddressRange {
  readonly cidr: string;
  readonly network: Uint8Array;
  readonly prefixLength: number;
  readonly reason: string;
}

export function addressRange(cidr: string, reason: string): AddressRange {
  const [address, length] = cidr.split('/');
  const parsed = parseIpAddress(address);
  const prefixLength = Number(length);
  if (
    !parsed ||
    !Number.isInteger(prefixLength) ||
    prefixLength < 0 ||
    prefixLength > parsed.bytes.length * 8
  ) {
    throw new RangeError(`invalid CIDR ${cidr}`);
  }
  return { cidr, network: parsed.bytes, prefixLength, reason };
}

/** The first range containing `bytes`; ranges of the other IP version never match. */
export function findRange<Range extends AddressRange>(
  ranges: readonly Range[],
  bytes: Uint8Array,
): Range | undefined {
  return ranges.find((range) => range.network.length === bytes.length && inPrefix(bytes, range));
}

/** Whether every address of `inner` is in `outer` (false across IP versions). */
export function cidrContains(outer: string, inner: string): boolean {
  const a = addressRange(outer, outer);
  const b = addressRange(inner, inner);
  return a.network.length === b.network.length && a.prefixLength <= b.prefixLength && inPrefix(b.network, a);
}

function inPrefix(bytes: Uint8Array, { network, prefixLength }: AddressRange): boolean {
  const wholeBytes = prefixLength >> 3;
  for (let index = 0; index < wholeBytes; index++) {
    if (bytes[index] !== network[index]) return false;
  }
  const remainingBits = prefixLength & 7;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (bytes[wholeBytes] & mask) === (network[wholeBytes] & mask);
}
