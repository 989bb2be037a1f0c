import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityFromEnv } from './env';
import { ConfigError } from './load-config';

const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const CERT = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const KEY = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
const PASSWORD = file('password', 's3cret\n');
const EMPTY = file('empty', '');
const MISSING = join(dir, 'missing.pem');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRAM = { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'ingestion' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    kafkaSecurityFromEnv('svc', env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('kafkaSecurityFromEnv', () => {
  it('is a plaintext connection without any variable, in production too', () => {
    expect(kafkaSecurityFromEnv('svc', { NODE_ENV: 'production' })).toEqual({});
  });

  it('reads TLS with a CA, mutual TLS files and a SCRAM password file', () => {
    const security = kafkaSecurityFromEnv('svc', {
      NODE_ENV: 'production',
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: CA,
      KAFKA_TLS_CERT_FILE: CERT,
      KAFKA_TLS_KEY_FILE: KEY,
      ...SCRAM,
      KAFKA_SASL_PASSWORD_FILE: PASSWORD,
    });
    expect(security).toEqual({
      tls: {
        ca: expect.stringContaining('ca'),
        cert: expect.stringContaining('client'),
        key: expect.stringContaining('PRIVATE KEY'),
      },
      sasl: { mechanism: 'scram-sha-512', username: 'ingestion', password: 's3cret' },
    });
  });

  it('uses the system CAs when TLS has no CA file', () => {
    expect(kafkaSecurityFromEnv('svc', { KAFKA_TLS: '1' })).toEqual({ tls: {} });
  });

  it('allows SASL without TLS outside production, and in production only when told to', () => {
    const env = { ...SCRAM, KAFKA_SASL_PASSWORD: 'pw' };
    expect(kafkaSecurityFromEnv('svc', { ...env, NODE_ENV: 'development' }).sasl?.username).toBe('ingestion');
    expect(
      kafkaSecurityFromEnv('svc', { ...env, NODE_ENV: 'production', KAFKA_ALLOW_SASL_WITHOUT_TLS: 'true' })
        .sasl?.password,
    ).toBe('pw');
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    [
      'SASL in clear in production',
      { NODE_ENV: 'production', ...SCRAM, KAFKA_SASL_PASSWORD: 'pw' },
      'KAFKA_TLS:',
    ],
    ['a CA file without TLS', { KAFKA_TLS_CA_FILE: CA }, 'KAFKA_TLS_CA_FILE: only used with KAFKA_TLS=true'],
    [
      'a missing CA file',
      { KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: MISSING },
      'KAFKA_TLS_CA_FILE: cannot read',
    ],
    ['a CA file that is not PEM', { KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: PASSWORD }, 'is not PEM'],
    [
      'a key that is not PEM',
      { KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: CERT, KAFKA_TLS_KEY_FILE: CA },
      'is not PEM',
    ],
    [
      'a client certificate without key',
      { KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: CERT },
      'KAFKA_TLS_KEY_FILE:',
    ],
    [
      'a client key without certificate',
      { KAFKA_TLS: 'true', KAFKA_TLS_KEY_FILE: KEY },
      'KAFKA_TLS_CERT_FILE:',
    ],
    [
      'a mechanism without user',
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'x' },
      'USERNAME',
    ],
    ['a mechanism without password', SCRAM, 'KAFKA_SASL_PASSWORD: set it or KAFKA_SASL_PASSWORD_FILE'],
    [
      'both passwords',
      { ...SCRAM, KAFKA_SASL_PASSWORD: 'pw', KAFKA_SASL_PASSWORD_FILE: PASSWORD },
      '(exactly one)',
    ],
    ['a missing password file', { ...SCRAM, KAFKA_SASL_PASSWORD_FILE: MISSING }, 'ENOENT'],
    ['an empty password file', { ...SCRAM, KAFKA_SASL_PASSWORD_FILE: EMPTY }, 'the file is empty'],
    [
      'a user without mechanism',
      { KAFKA_SASL_USERNAME: 'x' },
      'KAFKA_SASL_USERNAME: set KAFKA_SASL_MECHANISM',
    ],
    ['an unknown mechanism', { KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_MECHANISM'],
  ])('refuses %s, naming the variable', (_, env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: MISSING, KAFKA_SASL_USERNAME: 'x' });
    expect(problems).toHaveLength(2);
  });
});
