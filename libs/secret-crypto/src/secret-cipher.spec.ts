import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretCipher, SecretCipherError, type SecretBinding } from './secret-cipher';

const key = (fill: number) => Buffer.alloc(32, fill);
const at = (subscriptionId: string, slot: SecretBinding['slot'] = 'current'): SecretBinding => ({
  subscriptionId,
  slot,
});

/** A ciphertext as written before secrets were bound to their place: no associated data. */
function unboundCiphertext(keyId: string, keyBytes: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', keyId, ...[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))].join('.');
}

describe('SecretCipher', () => {
  const cipher = new SecretCipher([{ id: 'k1', key: key(1) }]);
  const secret = 'whsec_' + randomBytes(32).toString('base64url');

  it('round-trips a secret and never shows the plaintext in the ciphertext', () => {
    const sealed = cipher.encrypt(secret, at('wh_sub_a'));
    expect(sealed.startsWith('v2.k1.')).toBe(true);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(cipher.decrypt(sealed, at('wh_sub_a'))).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt(secret, at('wh_sub_a'))).not.toBe(cipher.encrypt(secret, at('wh_sub_a')));
  });

  it.each([
    ['another subscription', at('wh_sub_b')],
    ['the previous slot of the same subscription', at('wh_sub_a', 'previous')],
    ['a subscription id that only extends it', at('wh_sub_a\ncurrent')],
  ])('refuses a ciphertext moved to %s', (_case, elsewhere) => {
    const sealed = cipher.encrypt(secret, at('wh_sub_a'));
    expect(() => cipher.decrypt(sealed, elsewhere)).toThrow('failed authentication');
  });

  it('refuses a previous-slot ciphertext swapped into the current slot', () => {
    const previous = cipher.encrypt('whsec_old', at('wh_sub_a', 'previous'));
    expect(() => cipher.decrypt(previous, at('wh_sub_a'))).toThrow(SecretCipherError);
    expect(cipher.decrypt(previous, at('wh_sub_a', 'previous'))).toBe('whsec_old');
  });

  it('decrypts with an older key after rotation and encrypts with the new one', () => {
    const old = cipher.encrypt(secret, at('wh_sub_a'));
    const rotated = new SecretCipher([
      { id: 'k2', key: key(2) },
      { id: 'k1', key: key(1) },
    ]);
    expect(rotated.decrypt(old, at('wh_sub_a'))).toBe(secret);
    expect(rotated.needsReencryption(old)).toBe(true);
    const moved = rotated.reencrypt(old, at('wh_sub_a'));
    expect(moved.startsWith('v2.k2.')).toBe(true);
    expect(rotated.needsReencryption(moved)).toBe(false);
    expect(new SecretCipher([{ id: 'k2', key: key(2) }]).decrypt(moved, at('wh_sub_a'))).toBe(secret);
  });

  it('re-encryption keeps the binding: it cannot move a secret to another place', () => {
    const sealed = cipher.encrypt(secret, at('wh_sub_a'));
    expect(() => cipher.reencrypt(sealed, at('wh_sub_b'))).toThrow(SecretCipherError);
  });

  it('binds an unbound (v1) ciphertext where it is found, and decrypt alone never opens one', () => {
    const legacy = unboundCiphertext('k1', key(1), secret);
    expect(cipher.needsReencryption(legacy)).toBe(true);
    expect(() => cipher.decrypt(legacy, at('wh_sub_a'))).toThrow('not a secret ciphertext');
    const bound = cipher.reencrypt(legacy, at('wh_sub_a'));
    expect(cipher.decrypt(bound, at('wh_sub_a'))).toBe(secret);
    expect(() => cipher.decrypt(bound, at('wh_sub_b'))).toThrow(SecretCipherError);
  });

  it.each([
    ['a tampered byte', (s: string) => s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA')],
    ['an unknown key id', (s: string) => s.replace('.k1.', '.k9.')],
    ['garbage', () => 'plain-text-secret'],
  ])('refuses %s', (_name, mangle) => {
    expect(() => cipher.decrypt(mangle(cipher.encrypt(secret, at('wh_sub_a'))), at('wh_sub_a'))).toThrow(
      SecretCipherError,
    );
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
    expect(ring.encrypt('x', at('wh_sub_a')).split('.')[1]).toBe('new');
    expect(ring.decrypt(cipher.encrypt('x', at('wh_sub_a')), at('wh_sub_a'))).toBe('x');
  });
});
