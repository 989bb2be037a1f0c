import { randomBytes } from 'node:crypto';
import { SecretCipher, SecretCipherError } from './secret-cipher';

const key = (fill: number) => Buffer.alloc(32, fill);

describe('SecretCipher', () => {
  const cipher = new SecretCipher([{ id: 'k1', key: key(1) }]);
  const secret = 'whsec_' + randomBytes(32).toString('base64url');

  it('round-trips a secret and never shows the plaintext in the ciphertext', () => {
    const sealed = cipher.encrypt(secret);
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(cipher.decrypt(sealed)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt(secret)).not.toBe(cipher.encrypt(secret));
  });

  it('decrypts with an older key after rotation and encrypts with the new one', () => {
    const old = cipher.encrypt(secret);
    const rotated = new SecretCipher([
      { id: 'k2', key: key(2) },
      { id: 'k1', key: key(1) },
    ]);
    expect(rotated.decrypt(old)).toBe(secret);
    expect(rotated.needsReencryption(old)).toBe(true);
    expect(rotated.needsReencryption(rotated.encrypt(secret))).toBe(false);
  });

  it.each([
    ['a tampered byte', (s: string) => s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA')],
    ['an unknown key id', (s: string) => s.replace('.k1.', '.k9.')],
    ['garbage', () => 'plain-text-secret'],
  ])('refuses %s', (_name, mangle) => {
    expect(() => cipher.decrypt(mangle(cipher.encrypt(secret)))).toThrow(SecretCipherError);
  });

  it.each([
    ['', 'the key ring is empty'],
    ['k1', '<id>:<base64 key>'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'must be 32 bytes'],
    [`k1:${key(1).toString('base64')},k1:${key(2).toString('base64')}`, 'unique'],
  ])('rejects the key ring %j', (ring, message) => {
    expect(() => SecretCipher.fromKeyRing(ring)).toThrow(message);
  });

  it('parses a key ring with the first key current', () => {
    const ring = SecretCipher.fromKeyRing(
      `new:${key(3).toString('base64')}, k1:${key(1).toString('base64')}`,
    );
    expect(ring.encrypt('x').split('.')[1]).toBe('new');
    expect(ring.decrypt(cipher.encrypt('x'))).toBe('x');
  });
});
