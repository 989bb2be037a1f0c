import { join } from 'node:path';
import { z } from 'zod';
import { CONFIGURED_APPS, envProblems, loadConfigSchemas, objectShape, requiredKeys } from './config-schemas';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production']).default('development'),
    NEEDED: z.string(),
    DEFAULTED: z.string().default('x'),
    OPTIONAL: z.string().optional(),
    KEY: z.string().min(3).optional(),
  })
  .transform((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['KEY'], message: 'required in production' });
    }
    return config;
  });

describe('config schema helpers', () => {
  it('finds the object schema under the transforms', () => {
    expect(Object.keys(objectShape(schema))).toEqual(['NODE_ENV', 'NEEDED', 'DEFAULTED', 'OPTIONAL', 'KEY']);
  });

  it('calls a variable required when its field fails on undefined', () => {
    expect(requiredKeys(schema)).toEqual(['NEEDED']);
  });

  it.each([
    ['a complete environment', { NEEDED: 'y' }, []],
    ['a missing required variable', {}, [{ key: 'NEEDED', missing: true, message: 'required, not set' }]],
    [
      'a variable only production requires',
      { NEEDED: 'y', NODE_ENV: 'production' },
      [{ key: 'KEY', missing: true, message: 'required, not set (required in production)' }],
    ],
    ['a bad value', { NEEDED: 'y', KEY: 'ab' }, [expect.objectContaining({ key: 'KEY', missing: false })]],
  ])('reports %s', (_case, env, expected) => {
    expect(envProblems(schema, env)).toEqual(expected);
  });

  it('leaves out variables it was told to ignore', () => {
    expect(envProblems(schema, { NEEDED: 'y', KEY: 'ab' }, new Set(['KEY']))).toEqual([]);
  });

  it("loads every app's real schema from dist/", () => {
    const schemas = loadConfigSchemas(join(__dirname, '..', '..'));
    expect(Object.keys(schemas)).toEqual([...CONFIGURED_APPS]);
    // The dispatcher has no default for the key ring in production: the real schemas are in use.
    expect(envProblems(schemas.dispatcher, { NODE_ENV: 'production' })).toContainEqual(
      expect.objectContaining({ key: 'SECRET_ENCRYPTION_KEYS', missing: true }),
    );
  });
});
