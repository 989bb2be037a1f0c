import { SSRF_BLOCKED_CODE } from '@smart-dairy/ssrf';
import { parseRetryAfter } from './retry-after';

export type NetworkErrorClass =
  | 'timeout'
  | 'connect_timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns'
  | 'tls'
  | 'ssrf_blocked'
  | 'body_too_large'
  | 'other';

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly statusCode: number; readonly retryAfter?: string }
  | { readonly kind: 'error'; readonly errorClass: NetworkErrorClass };

/** A network error class, or `http_<status>` for a response that was not a success. */
export type AttemptErrorClass = NetworkErrorClass | `http_${number}`;

export interface AttemptClassification {
  readonly verdict: 'delivered' | 'retry' | 'terminal';
  readonly errorClass: AttemptErrorClass | null;
  readonly disableSubscription: boolean;
  /** What the receiver asked for in `Retry-After`; the retry schedule decides how far to honour it. */
  readonly retryAfterMs?: number;
}

// Neither goes away by trying again: the address stays forbidden, the payload stays too large.
const TERMINAL_ERRORS: ReadonlySet<NetworkErrorClass> = new Set(['ssrf_blocked', 'body_too_large']);
// Client errors that say "not now" rather than "never".
const RETRYABLE_CLIENT_ERRORS: ReadonlySet<number> = new Set([408, 429]);
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const GONE = 410;

/** What to do after one delivery attempt; `now` anchors a `Retry-After` given as an HTTP date. */
export function classifyAttempt(outcome: AttemptOutcome, now: Date): AttemptClassification {
  if (outcome.kind === 'error') {
    const verdict = TERMINAL_ERRORS.has(outcome.errorClass) ? 'terminal' : 'retry';
    return { verdict, errorClass: outcome.errorClass, disableSubscription: false };
  }
  const { statusCode, retryAfter } = outcome;
  if (statusCode >= 200 && statusCode <= 299) {
    return { verdict: 'delivered', errorClass: null, disableSubscription: false };
  }
  const errorClass = `http_${statusCode}` as const;
  // The receiver says the endpoint is gone for good, so later events must not keep trying it either.
  if (statusCode === GONE) return { verdict: 'terminal', errorClass, disableSubscription: true };
  if (statusCode >= 400 && statusCode <= 499 && !RETRYABLE_CLIENT_ERRORS.has(statusCode)) {
    return { verdict: 'terminal', errorClass, disableSubscription: false };
  }
  // Everything else is retried: 5xx, 408/429, redirects (never followed, so a moved endpoint must be fixed
  // by its admin while retries run) and statuses outside 2xx-5xx that no conforming receiver sends.
  const retryAfterMs =
    retryAfter !== undefined && RETRY_AFTER_STATUSES.has(statusCode)
      ? parseRetryAfter(retryAfter, now)
      : undefined;
  return {
    verdict: 'retry',
    errorClass,
    disableSubscription: false,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

const ERROR_CODE_CLASSES: ReadonlyMap<string, NetworkErrorClass> = new Map<string, NetworkErrorClass>([
  [SSRF_BLOCKED_CODE, 'ssrf_blocked'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connect_timeout'],
  ['ETIMEDOUT', 'connect_timeout'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  // Requests are aborted for outliving their deadline; one aborted for shutdown is no attempt to classify.
  ['UND_ERR_ABORTED', 'timeout'],
  ['ECONNREFUSED', 'connection_refused'],
  ['ECONNRESET', 'connection_reset'],
  ['EPIPE', 'connection_reset'],
  // undici's "other side closed": the connection ended before a complete response.
  ['UND_ERR_SOCKET', 'connection_reset'],
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
]);

// OpenSSL's certificate verification codes as Node reports them (see "X509 certificate error codes" in the
// tls docs); Node's own TLS failures use ERR_TLS_* and ERR_SSL_* codes.
const CERTIFICATE_ERROR_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

// fetch wraps the network error in a TypeError and undici sometimes in its own; a few levels reach the root.
const MAX_CAUSE_DEPTH = 5;

/** The error class of a failed request, from the `code` of the error or of the errors that caused it. */
export function classifyNetworkError(error: unknown): NetworkErrorClass {
  for (const link of causeChain(error)) {
    const errorClass = classifyOwnCode(link);
    if (errorClass) return errorClass;
  }
  return 'other';
}

function* causeChain(error: unknown): Generator<object> {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function classifyOwnCode(error: object): NetworkErrorClass | undefined {
  // The sender's deadline aborts with a DOMException, which has a name but no string code.
  if ((error as { name?: unknown }).name === 'TimeoutError') return 'timeout';
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  if (CERTIFICATE_ERROR_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))
    return 'tls';
  return ERROR_CODE_CLASSES.get(code);
}
