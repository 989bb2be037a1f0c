import { promises as dns, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress } from './forbidden-address';
import { SsrfBlockedError } from './ssrf-blocked-error';

/** Resolves a name to every address it has, like `dns.promises.lookup(hostname, { all: true })`. */
export type Resolver = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

export interface GuardedLookupOptions {
  readonly allowPrivate: boolean;
  readonly resolve?: Resolver;
}

const systemResolver: Resolver = (hostname, options) => dns.lookup(hostname, options);

/**
 * A `lookup` for `net.connect` (undici's `connect: { lookup }`) that refuses hosts resolving to forbidden
 * addresses. The socket connects to the very addresses checked here, so a second, different DNS answer
 * (rebinding) cannot slip in between the check and the connection.
 *
 * `net.connect` never calls `lookup` for an IP literal, so on its own this leaves literal hosts unchecked:
 * `createGuardedConnector` closes that gap for undici.
 */
export function createGuardedLookup({
  allowPrivate,
  resolve = systemResolver,
}: GuardedLookupOptions): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refusal = allowPrivate ? undefined : findRefusal(hostname, addresses);
        if (refusal) return callback(refusal, []);
        if (addresses.length === 0) return callback(notFound(hostname), []);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/** A name with any forbidden address is refused outright, since the connection may try any of them. */
export function findRefusal(
  hostname: string,
  addresses: readonly LookupAddress[],
): SsrfBlockedError | undefined {
  for (const { address } of addresses) {
    const verdict = isForbiddenAddress(address);
    if (verdict.forbidden) return new SsrfBlockedError(hostname, address, verdict.reason);
  }
  return undefined;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no addresses found for ${hostname}`), { code: 'ENOTFOUND', hostname });
}
