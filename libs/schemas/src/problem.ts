import type { z } from 'zod';

/** One reason a message was rejected. `path` points into the message (`data.items[0].quantity`); `''` is the whole message. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problem[] };

export function problem(path: string, message: string): Problem {
  return { path, message };
}

export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    // One problem per key so each names the field the producer should remove.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => problem(formatPath([...path, key]), 'unknown field'));
    }
    return [problem(formatPath(path), issue.message)];
  });
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((formatted, segment) => {
    if (typeof segment === 'number') return `${formatted}[${segment}]`;
    const key = String(segment);
    if (IDENTIFIER.test(key)) return formatted === '' ? key : `${formatted}.${key}`;
    return `${formatted}[${JSON.stringify(key)}]`;
  }, '');
}
