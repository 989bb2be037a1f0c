/** Shared with callers that classify errors by `code`, since undici and fetch may wrap the error instance. */
export const SSRF_BLOCKED_CODE = 'ERR_SSRF_BLOCKED';

/** A connection was refused because the host resolved to an address deliveries must never reach. */
export class SsrfBlockedError extends Error {
  readonly code = SSRF_BLOCKED_CODE;

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refusing to connect to ${hostname} at ${address}: ${reason}`);
    this.name = 'SsrfBlockedError';
  }
}
