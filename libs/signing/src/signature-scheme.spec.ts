import { randomBytes } from 'node:crypto';
import { generateSecret } from './secret-generation';
import { isSignatureScheme, secretFitsScheme } from './signature-scheme';

const standard = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('secretFitsScheme', () => {
  it.each([
    ['a platform secret', generateSecret(), true],
    ['any text', 'sécret-ü', true],
    ['a Standard Webhooks secret', standard(32), true],
    ['nothing', '', false],
  ])("for the platform's scheme: %s → %p", (_case, secret, fits) => {
    expect(secretFitsScheme(secret, 'smart-dairy')).toBe(fits);
  });

  it.each([
    ['a generated one', generateSecret('standard-webhooks'), true],
    ['24 bytes', standard(24), true],
    ['64 bytes', standard(64), true],
    ['one without the whsec_ prefix', standard(32).slice('whsec_'.length), true],
    ['23 bytes', standard(23), false],
    ['65 bytes', standard(65), false],
    ['a platform secret (base64url without padding)', generateSecret(), false],
    ['nothing after the prefix', 'whsec_', false],
  ])('for Standard Webhooks: %s → %p', (_case, secret, fits) => {
    expect(secretFitsScheme(secret, 'standard-webhooks')).toBe(fits);
  });
});

describe('isSignatureScheme', () => {
  it.each([
    ['smart-dairy', true],
    ['standard-webhooks', true],
    ['standard_webhooks', false],
    ['', false],
  ])('%p → %p', (value, expected) => {
    expect(isSignatureScheme(value)).toBe(expected);
  });
});
