import type { z } from 'zod';
import { formatPath } from './problem';

// Neither half of a surrogate pair may stand alone: such a string has no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why Postgres could not keep this string as it is, if it could not. Both text and jsonb refuse U+0000.
 * A lone UTF-16 surrogate is refused by jsonb and silently turned into U+FFFD in text, so two different
 * ids would become one.
 */
function unstorableTextReason(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(value)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

/** A zod refinement for strings stored in Postgres: `z.string().superRefine(refineStorableText)`. */
export function refineStorableText(value: string, ctx: z.RefinementCtx<string>): void {
  const reason = unstorableTextReason(value);
  if (reason !== undefined) ctx.addIssue(reason);
}

/** The first key or string in a JSON value that Postgres could not keep, with the reason. */
export function findUnstorableText(
  value: unknown,
  path: readonly PropertyKey[] = [],
): { readonly path: string; readonly reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    return reason === undefined ? undefined : { path: formatPath(path), reason };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    const reason = unstorableTextReason(key);
    if (reason !== undefined) return { path: formatPath(at), reason };
    const found = findUnstorableText(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
