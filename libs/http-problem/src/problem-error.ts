import { PROBLEM_TYPES, type FieldProblem, type ProblemCode, type ProblemDescription } from './problem-types';

export interface ProblemOptions {
  problems?: readonly FieldProblem[];
  /** Sent with the problem response, e.g. `Retry-After` or `WWW-Authenticate`. */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

/**
 * An error meant for the API client: thrown anywhere, answered by ProblemFilter with its code's status
 * and with `detail` as written, so the detail must never carry internals.
 */
export class ProblemError extends Error implements ProblemDescription {
  readonly status: number;
  readonly problems?: readonly FieldProblem[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    { problems, headers = {}, cause }: ProblemOptions = {},
  ) {
    super(detail, { cause });
    this.name = new.target.name;
    this.status = PROBLEM_TYPES[code].status;
    this.problems = problems;
    this.headers = headers;
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(detail: string) {
    super('not_found', detail);
  }
}

export class ValidationProblem extends ProblemError {
  constructor(problems: readonly FieldProblem[], detail = 'The request is invalid.') {
    super('validation_failed', detail, { problems });
  }
}
