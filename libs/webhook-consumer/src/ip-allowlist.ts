import { BlockList, isIP } from 'node:net';

/** Source addresses allowed to deliver, as CIDR ranges or single addresses, IPv4 and IPv6. */
export class IpAllowlist {
  private readonly ranges = new BlockList();

  /** Throws on an entry that is not an address or CIDR range, so a typo fails at startup, not per request. */
  constructor(entries: readonly string[]) {
    if (entries.length === 0) throw new RangeError('IP allowlist is empty: it would refuse every delivery');
    for (const entry of entries) this.add(entry);
  }

  /** False for anything that is not an IP address; IPv4-mapped IPv6 addresses match IPv4 ranges. */
  allows(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  private add(entry: string): void {
    const [address = '', prefixText, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    const validPrefix = prefixText === undefined || /^\d{1,3}$/.test(prefixText);
    if (family === 0 || rest.length > 0 || !validPrefix || prefix > maxPrefix) {
      throw new RangeError(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    }
    this.ranges.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
}
