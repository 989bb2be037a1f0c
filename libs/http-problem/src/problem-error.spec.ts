import { NotFoundProblem, ProblemError, ValidationProblem } from './problem-error';
import type { ProblemCode } from './problem-types';

describe('ProblemError', () => {
  it.each<[ProblemCode, number]>([
    ['bad_request', 400],
    ['malformed_json', 400],
    ['validation_failed', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
    ['rate_limited', 429],
    ['internal_error', 500],
  ])('answers %s with status %i', (code, status) => {
    expect(new ProblemError(code, 'detail').status).toBe(status);
  });

  it('carries detail, headers and cause', () => {
    const cause = new Error('bucket empty');
    const error = new ProblemError('rate_limited', 'Slow down.', { headers: { 'Retry-After': '2' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'Slow down.',
      detail: 'Slow down.',
      headers: { 'Retry-After': '2' },
    });
    expect(error.cause).toBe(cause);
  });

  it.each([
    [new NotFoundProblem('Subscription wh_sub_1 not found.'), 'NotFoundProblem', 'not_found', 404],
    [
      new ValidationProblem([{ path: 'url', message: 'Invalid URL' }]),
      'ValidationProblem',
      'validation_failed',
      400,
    ],
  ])('has subclasses for the common cases: %s', (error, name, code, status) => {
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ name, code, status });
  });
});
