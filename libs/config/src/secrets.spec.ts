import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  DEV_SECRET_ENCRYPTION_KEYS,
  adminKeyEnv,
  allowPrivateEndpoints,
  commonEnv,
  endpointEnv,
  secretEnv,
  withAdminApiKey,
  withSecretKeyRing,
} from './env';
import { ConfigError, loadConfig } from './load-config';

const schema = z
  .object({ ...commonEnv, ...secretEnv, ...endpointEnv, ...adminKeyEnv })
  .transform((config, ctx) => ({
    ...withSecretKeyRing(withAdminApiKey(config, ctx), ctx),
    ALLOW_PRIVATE_ENDPOINTS: allowPrivateEndpoints(config),
  }));
const load = (env: NodeJS.ProcessEnv) => loadConfig('svc', schema, env);
const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    load(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

const OWN_KEY = Buffer.alloc(32, 7).toString('base64');
const OWN_RING = `k1:${OWN_KEY}`;
const DEV_KEY = DEV_SECRET_ENCRYPTION_KEYS.split(':')[1];
// docker-compose.yml's former examples: published in git history, so refused for good.
const FORMER_COMPOSE_RING = 'compose-example:Y29tcG9zZS1leGFtcGxlLWtleS1ub3Qtc2VjcmV0ISE=';
const FORMER_COMPOSE_ADMIN_KEY = 'compose-example-admin-key-0123456789abcdef';

describe('without NODE_ENV, production rules', () => {
  it('need a key ring of their own, and refuse private endpoints and plain http', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^SECRET_ENCRYPTION_KEYS: required in production/),
    ]);
    const config = load({ SECRET_ENCRYPTION_KEYS: OWN_RING });
    expect(config.NODE_ENV).toBe('production');
    expect(config.ALLOW_PRIVATE_ENDPOINTS).toBe(false);
  });

  it.each(['development', 'test'])('%s mode is asked for, and brings the development key ring', (mode) => {
    const config = load({ NODE_ENV: mode });
    expect(config.SECRET_ENCRYPTION_KEYS).toBe(DEV_SECRET_ENCRYPTION_KEYS);
    expect(config.ALLOW_PRIVATE_ENDPOINTS).toBe(true);
  });
});

describe('production refuses the secrets published in this repository', () => {
  it.each([
    [
      'the development key ring',
      DEV_SECRET_ENCRYPTION_KEYS,
      'dev-only-not-secret',
      'the development key ring',
    ],
    ['its key under another id, second in a ring', `k1:${OWN_KEY},old:${DEV_KEY}`, 'old', 'development'],
    ["compose's former example ring", FORMER_COMPOSE_RING, 'compose-example', 'docker-compose.yml'],
  ])('%s', (_case, ring, id, where) => {
    const problems = problemsOf({ SECRET_ENCRYPTION_KEYS: ring });
    expect(problems).toEqual([expect.stringContaining(`SECRET_ENCRYPTION_KEYS: key "${id}" is`)]);
    expect(problems[0]).toContain(where);
    expect(problems[0]).toContain('published in this repository');
    expect(problems[0]).not.toContain(ring.split(':')[1]);
  });

  it("compose's former example admin key, which development still takes", () => {
    const env = { SECRET_ENCRYPTION_KEYS: OWN_RING, ADMIN_API_KEY: FORMER_COMPOSE_ADMIN_KEY };
    expect(problemsOf(env)).toEqual([
      expect.stringMatching(
        /^ADMIN_API_KEY: is docker-compose.yml's former example, published in this repository/,
      ),
    ]);
    expect(load({ ...env, NODE_ENV: 'development' }).ADMIN_API_KEY).toBe(FORMER_COMPOSE_ADMIN_KEY);
  });
});

describe('secrets given as files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'config-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('are read, trimmed, at start', () => {
    const adminKey = 'a'.repeat(40);
    const config = load({
      SECRET_ENCRYPTION_KEYS_FILE: file('ring', `${OWN_RING}\n`),
      ADMIN_API_KEY_FILE: file('admin', `${adminKey}\n`),
    });
    expect(config.SECRET_ENCRYPTION_KEYS).toBe(OWN_RING);
    expect(config.ADMIN_API_KEY).toBe(adminKey);
  });

  it('are checked like the variables, production rules included', () => {
    expect(
      problemsOf({
        SECRET_ENCRYPTION_KEYS_FILE: file('ring', DEV_SECRET_ENCRYPTION_KEYS),
        ADMIN_API_KEY_FILE: file('admin', 'short'),
      }),
    ).toEqual([
      'ADMIN_API_KEY_FILE: must be at least 32 characters',
      expect.stringMatching(
        /^SECRET_ENCRYPTION_KEYS_FILE: key "dev-only-not-secret" is the development key ring/,
      ),
    ]);
    expect(problemsOf({ SECRET_ENCRYPTION_KEYS_FILE: file('bad', 'k1:c2hvcnQ=') })).toEqual([
      'SECRET_ENCRYPTION_KEYS_FILE: key "k1" must be 32 bytes, base64-encoded',
    ]);
  });

  it('must exist, and exclude the variable itself', () => {
    expect(problemsOf({ SECRET_ENCRYPTION_KEYS_FILE: join(dir, 'absent') })).toEqual([
      `SECRET_ENCRYPTION_KEYS_FILE: cannot read ${join(dir, 'absent')} (ENOENT)`,
    ]);
    expect(
      problemsOf({ SECRET_ENCRYPTION_KEYS: OWN_RING, SECRET_ENCRYPTION_KEYS_FILE: file('ring', OWN_RING) }),
    ).toEqual([
      'SECRET_ENCRYPTION_KEYS_FILE: set SECRET_ENCRYPTION_KEYS or SECRET_ENCRYPTION_KEYS_FILE, not both',
    ]);
  });
});
