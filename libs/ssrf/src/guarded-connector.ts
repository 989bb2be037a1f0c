import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { createGuardedLookup, findRefusal, type GuardedLookupOptions } from './guarded-lookup';

export type GuardedConnectorOptions = buildConnector.BuildOptions & GuardedLookupOptions;

/**
 * undici's `connect` option, checking every address a request connects to: a name through the guarded
 * lookup, an IP literal here, because `net.connect` does not call `lookup` for one.
 * Any `lookup` among the options is replaced, so the check cannot be bypassed by configuration.
 */
export function createGuardedConnector({
  allowPrivate,
  resolve,
  ...buildOptions
}: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ ...buildOptions, lookup: createGuardedLookup({ allowPrivate, resolve }) });
  return (options, callback) => {
    const { hostname } = options;
    const refusal =
      allowPrivate || isIP(hostname) === 0
        ? undefined
        : findRefusal(hostname, [{ address: hostname, family: 0 }]);
    // Asynchronously, as a failed connection would report it.
    if (refusal) return process.nextTick(callback, refusal, null);
    return connect(options, callback);
  };
}
