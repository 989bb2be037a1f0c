import { SecretCipher, SecretCipherError } from './secret-cipher';
import { openHeaders, parseSealedHeaders, resealHeaders, sealHeaders } from './sealed-headers';

const ring = (...ids: string[]) =>
  SecretCipher.fromKeyRing(ids.map((id) => `${id}:${Buffer.alloc(32, id).toString('base64')}`).join(','));
const headers = [
  ['Authorization', 'Bearer partner-token-1234'],
  ['X-Region', 'eu-west'],
] as const;

describe('sealed custom headers', () => {
  const cipher = ring('k1');

  it('keeps names in clear and values only sealed, and opens them again in order', () => {
    const sealed = sealHeaders(cipher, 'wh_sub_a', headers);
    expect(sealed.map(({ name }) => name)).toEqual(['Authorization', 'X-Region']);
    expect(JSON.stringify(sealed)).not.toContain('partner-token');
    expect(openHeaders(cipher, 'wh_sub_a', parseSealedHeaders(JSON.parse(JSON.stringify(sealed))))).toEqual(
      headers,
    );
  });

  it('binds each value to its subscription and header name', () => {
    const [authorization, region] = sealHeaders(cipher, 'wh_sub_a', headers);
    expect(() => openHeaders(cipher, 'wh_sub_b', [authorization!])).toThrow('failed authentication');
    const swapped = { name: 'X-Region', ciphertext: authorization!.ciphertext };
    expect(() => openHeaders(cipher, 'wh_sub_a', [swapped, region!])).toThrow(SecretCipherError);
    // Header names are case-insensitive, and so is the binding.
    const recased = { name: 'authorization', ciphertext: authorization!.ciphertext };
    expect(openHeaders(cipher, 'wh_sub_a', [recased])).toEqual([['authorization', headers[0][1]]]);
  });

  it('reseals under the first key of the ring, and only when needed', () => {
    const sealed = sealHeaders(cipher, 'wh_sub_a', headers);
    expect(resealHeaders(cipher, 'wh_sub_a', sealed)).toBeUndefined();
    const rotated = ring('k2', 'k1');
    const moved = resealHeaders(rotated, 'wh_sub_a', sealed);
    expect(moved?.every(({ ciphertext }) => ciphertext.startsWith('v2.k2.'))).toBe(true);
    expect(openHeaders(ring('k2'), 'wh_sub_a', moved!)).toEqual(headers);
    expect(resealHeaders(rotated, 'wh_sub_a', [])).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['an object', { Authorization: 'x' }],
    ['an entry without a ciphertext', [{ name: 'X-A' }]],
    ['a list of strings', ['X-A']],
  ])('refuses a stored value that is %s', (_case, stored) => {
    expect(() => parseSealedHeaders(stored)).toThrow(SecretCipherError);
  });
});
