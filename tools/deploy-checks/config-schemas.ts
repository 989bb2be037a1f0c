import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The apps whose environment the deployment files must satisfy. */
export const CONFIGURED_APPS = [
  'subscriptions',
  'ingestion',
  'dispatcher',
  'dlq-review',
  'demo-receiver',
] as const;
export type ConfiguredApp = (typeof CONFIGURED_APPS)[number];
export type ConfigSchemas = Record<ConfiguredApp, z.ZodType>;

/**
 * Each app's configuration schema as the app itself exports it from src/config.ts, taken from the
 * compiled dist/ (apps may not import each other, and no tool may import apps' sources): the
 * `...ConfigSchema` export of dist/apps/<app>/src/config.js, which `npm test` builds first.
 */
export function loadConfigSchemas(root: string): ConfigSchemas {
  const entries = CONFIGURED_APPS.map((app) => {
    const file = join(root, 'dist', 'apps', app, 'src', 'config.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
    const exports = require(file) as Record<string, unknown>;
    const schemas = Object.entries(exports).filter(
      ([name, value]) => name.endsWith('ConfigSchema') && value instanceof z.ZodType,
    );
    const [found, ...others] = schemas;
    if (!found || others.length) {
      throw new Error(`${file} should export one ...ConfigSchema, found ${schemas.length}`);
    }
    return [app, found[1] as z.ZodType] as const;
  });
  return Object.fromEntries(entries) as ConfigSchemas;
}

/** The object schema a config schema starts from (the schemas end in refinements and transforms). */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  let current: unknown = schema;
  while (current instanceof z.ZodPipe) current = current.in;
  if (!(current instanceof z.ZodObject)) throw new Error('a config schema must be built from z.object(...)');
  return current.shape as Record<string, z.ZodType>;
}

/** Variables without a default: the schema fails on their absence whatever the environment. */
export function requiredKeys(schema: z.ZodType): string[] {
  return Object.entries(objectShape(schema))
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}

export interface EnvProblem {
  /** The variable, or `(config)` for a problem of the whole configuration. */
  readonly key: string;
  readonly missing: boolean;
  readonly message: string;
}

/**
 * Everything wrong with an environment for a schema: required variables that are absent (including
 * those only production requires, which the whole-schema parse reveals) and values it rejects.
 * Problems with `ignore`d variables (placeholders that cannot be checked) are left out.
 */
export function envProblems(
  schema: z.ZodType,
  env: Record<string, string>,
  ignore: ReadonlySet<string> = new Set(),
): EnvProblem[] {
  const problems = new Map<string, EnvProblem>();
  for (const key of requiredKeys(schema)) {
    if (!(key in env)) problems.set(key, { key, missing: true, message: 'required, not set' });
  }
  const result = schema.safeParse(env);
  for (const issue of result.success ? [] : result.error.issues) {
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : '(config)';
    if (ignore.has(key) || problems.has(key)) continue;
    const missing = key !== '(config)' && !(key in env);
    problems.set(key, {
      key,
      missing,
      message: missing ? `required, not set (${issue.message})` : issue.message,
    });
  }
  return [...problems.values()].sort((a, b) => a.key.localeCompare(b.key));
}
