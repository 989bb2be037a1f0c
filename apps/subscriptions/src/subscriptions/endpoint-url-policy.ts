import { ValidationProblem } from '@smart-dairy/http-problem';
import { UnsafeUrlError, assertPublicUrl, type PublicUrlPolicy } from '@smart-dairy/ssrf';

/**
 * Rejects endpoint URLs that could never be delivered to under this deployment's policy and returns the
 * URL as the WHATWG parser reads it, which is what gets stored: the dispatcher then sends to exactly the
 * URL that was judged (`HTTPS://Host/x` is saved as `https://host/x`). Only the literal host is judged;
 * the dispatcher checks what a name resolves to when it connects.
 */
export class EndpointUrlPolicy {
  constructor(
    private readonly policy: PublicUrlPolicy,
    private readonly maxLength: number,
  ) {}

  normalize(url: string): string {
    try {
      const { href } = assertPublicUrl(url, this.policy);
      // Percent-encoding and punycode can lengthen what the admin typed.
      if (href.length > this.maxLength) {
        throw new UnsafeUrlError(`must have at most ${this.maxLength} characters once normalised`);
      }
      return href;
    } catch (error) {
      if (!(error instanceof UnsafeUrlError)) throw error;
      throw new ValidationProblem([{ path: 'url', message: error.message }], 'The request body is invalid.');
    }
  }
}
