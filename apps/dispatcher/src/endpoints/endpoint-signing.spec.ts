import { SecretCipher, SecretCipherError, sealHeaders } from '@smart-dairy/secret-crypto';
import { generateSecret } from '@smart-dairy/signing';
import { EndpointSigningError, openEndpointSigning, type StoredSigning } from './endpoint-signing';

const cipher = SecretCipher.fromKeyRing(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
const id = 'wh_sub_0123456789abcdef01234567';
const expiresAt = new Date('2026-12-04T00:00:00Z');
const seal = (secret: string, slot: 'current' | 'previous') =>
  cipher.encrypt(secret, { subscriptionId: id, slot });

function stored(
  scheme: string,
  current: string,
  previous: string | null = null,
  headers: readonly (readonly [string, string])[] = [],
): StoredSigning {
  return {
    id,
    signatureScheme: scheme,
    secretCiphertext: seal(current, 'current'),
    previousSecretCiphertext: previous === null ? null : seal(previous, 'previous'),
    previousSecretExpiresAt: previous === null ? null : expiresAt,
    customHeaders: sealHeaders(cipher, id, headers),
  };
}

describe('openEndpointSigning', () => {
  const platform = generateSecret();
  const standard = generateSecret('standard-webhooks');
  const olderStandard = generateSecret('standard-webhooks');

  it('opens the platform scheme with its current secret only, since only that one signs', () => {
    expect(openEndpointSigning(cipher, stored('smart-dairy', platform, generateSecret()))).toEqual({
      scheme: 'smart-dairy',
      secrets: { current: platform },
      customHeaders: [],
    });
  });

  it('keeps the previous Standard Webhooks secret, which signs too until it expires', () => {
    expect(openEndpointSigning(cipher, stored('standard-webhooks', standard, olderStandard))).toEqual({
      scheme: 'standard-webhooks',
      secrets: { current: standard, previous: olderStandard, previousExpiresAt: expiresAt },
      customHeaders: [],
    });
  });

  it('leaves out a previous secret of the platform scheme, which cannot sign Standard Webhooks', () => {
    expect(openEndpointSigning(cipher, stored('standard-webhooks', standard, platform)).secrets).toEqual({
      current: standard,
    });
  });

  it('opens the custom headers in order', () => {
    const headers = [
      ['Authorization', 'Bearer t0ken'],
      ['X-Region', 'eu'],
    ] as const;
    expect(openEndpointSigning(cipher, stored('smart-dairy', platform, null, headers)).customHeaders).toEqual(
      headers,
    );
  });

  it.each([
    ['an unknown scheme', stored('hmac-md5', platform), EndpointSigningError],
    [
      'a current secret that cannot sign Standard Webhooks',
      stored('standard-webhooks', platform),
      EndpointSigningError,
    ],
    [
      'a secret sealed for another subscription',
      { ...stored('smart-dairy', platform), id: 'wh_sub_other' },
      SecretCipherError,
    ],
    [
      'custom headers stored in another shape',
      { ...stored('smart-dairy', platform), customHeaders: {} },
      SecretCipherError,
    ],
  ])('refuses %s', (_case, row, error) => {
    expect(() => openEndpointSigning(cipher, row)).toThrow(error);
  });
});
