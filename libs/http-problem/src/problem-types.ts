/**
 * Every problem the APIs answer with. A code is part of the public contract: clients branch on it,
 * so codes are only ever added, never renamed. Each code has one status and one title.
 */
export const PROBLEM_TYPES = {
  bad_request: { status: 400, title: 'Bad request' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  too_many_failed_authentications: { status: 429, title: 'Too many failed authentications' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(code: ProblemCode): string {
  return `urn:smart-dairy:problem:${code}`;
}

/** One reason a request was rejected; `path` points into the input (`data.items[0].quantity`), `''` is all of it. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** What the filter needs to answer with a problem, whether a ProblemError or a translated foreign exception. */
export interface ProblemDescription {
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly problems?: readonly FieldProblem[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** The RFC 9457 body, with our `code` and field `problems` as extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance: string;
  problems?: FieldProblem[];
}

export function problemDetails(problem: ProblemDescription, instance: string): ProblemDetails {
  return {
    type: problemTypeUri(problem.code),
    title: PROBLEM_TYPES[problem.code].title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    instance,
    ...(problem.problems && { problems: [...problem.problems] }),
  };
}
