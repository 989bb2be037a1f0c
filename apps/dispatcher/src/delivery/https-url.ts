/**
 * Whether a stored endpoint URL is https as the WHATWG parser, and so undici, reads it. A prefix test
 * would refuse `HTTPS://host` (which undici sends over TLS) and is easy to get wrong in the other direction.
 */
export function isHttpsUrl(url: string): boolean {
  return URL.parse(url)?.protocol === 'https:';
}
