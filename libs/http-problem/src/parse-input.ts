import type { z } from 'zod';
import { formatPath } from '@smart-dairy/schemas';
import { ValidationProblem } from './problem-error';
import type { FieldProblem } from './problem-types';

/** Validates a request body; pass a z.strictObject so unknown fields are rejected, each by its path. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return parseInput(schema, value, 'The request body is invalid.');
}

/** Validates parsed query parameters (strings or string arrays, so numbers need z.coerce). */
export function parseQuery<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return parseInput(schema, value, 'The query string is invalid.');
}

function parseInput<S extends z.ZodType>(schema: S, value: unknown, detail: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationProblem(fieldProblems(result.error.issues), detail);
}

function fieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue) =>
    // One problem per unknown key, so each names the field the client should remove.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}
