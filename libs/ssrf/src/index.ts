export { cidrContains } from './address-range';
export { NON_PUBLIC_CIDRS, isForbiddenAddress, type AddressVerdict } from './forbidden-address';
export { UnsafeUrlError, assertPublicUrl, type PublicUrlPolicy } from './public-url';
export { createGuardedLookup, type GuardedLookupOptions, type Resolver } from './guarded-lookup';
export { createGuardedConnector, type GuardedConnectorOptions } from './guarded-connector';
export { SSRF_BLOCKED_CODE, SsrfBlockedError } from './ssrf-blocked-error';
