import { ValidationProblem } from '@smart-dairy/http-problem';
import { UnsafeUrlError, assertPublicUrl, type PublicUrlPolicy } from '@smart-dairy/ssrf';

/**
 * Rejects endpoint URLs that could never be delivered to under this deployment's policy. Only the
 * literal host is judged; the dispatcher checks what a name resolves to when it connects.
 */
export class EndpointUrlPolicy {
  constructor(private readonly policy: PublicUrlPolicy) {}

  check(url: string): void {
    try {
      assertPublicUrl(url, this.policy);
    } catch (error) {
      if (!(error instanceof UnsafeUrlError)) throw error;
      throw new ValidationProblem([{ path: 'url', message: error.message }], 'The request body is invalid.');
    }
  }
}
