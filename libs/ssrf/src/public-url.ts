import { isIP } from 'node:net';
import { isForbiddenAddress } from './forbidden-address';

export interface PublicUrlPolicy {
  /** Lets development and test stacks deliver to receivers on localhost or a private network. */
  readonly allowPrivate: boolean;
  readonly requireHttps: boolean;
}

/** An endpoint URL an admin entered that deliveries must not be sent to; the message is fit to show them. */
export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/**
 * Validates an endpoint URL when it is saved, so obvious mistakes are reported to the admin straight away.
 * Only literal hosts can be judged here: what a name resolves to is checked when connecting, by the guarded
 * lookup, because the answer may change at any time after saving.
 */
export function assertPublicUrl(url: string, { allowPrivate, requireHttps }: PublicUrlPolicy): URL {
  const parsed = URL.parse(url);
  if (!parsed) throw new UnsafeUrlError('must be an absolute URL');
  const schemes = requireHttps ? ['https:'] : ['http:', 'https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw new UnsafeUrlError(
      `must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}, not ${parsed.protocol}`,
    );
  }
  if (!allowPrivate) assertPublicHost(parsed.hostname);
  return parsed;
}

function assertPublicHost(hostname: string): void {
  // The URL parser has already normalised IPv4 spellings such as `0x7f.1` or `2130706433` to dotted quads.
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isLocalhostName(host)) throw new UnsafeUrlError(`host ${hostname} is not allowed: loopback name`);
  if (isIP(host) === 0) return;
  const verdict = isForbiddenAddress(host);
  if (verdict.forbidden) throw new UnsafeUrlError(`host ${hostname} is not allowed: ${verdict.reason}`);
}

/** RFC 6761 reserves these names for loopback, and resolvers answer them without asking DNS. */
function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}
