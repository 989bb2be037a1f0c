import { SecretCipher } from '@smart-dairy/secret-crypto';
import { generateSecret, secretFitsScheme } from '@smart-dairy/signing';
import { schemeChange } from './secret-changes';

const cipher = SecretCipher.fromKeyRing(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
const id = 'wh_sub_0123456789abcdef01234567';
const now = new Date('2026-12-03T12:00:00Z');

const row = (signatureScheme: string, secret: string) => ({
  id,
  signatureScheme,
  secretCiphertext: cipher.encrypt(secret, { subscriptionId: id, slot: 'current' }),
});

describe('schemeChange', () => {
  const platformSecret = generateSecret();
  const standardSecret = generateSecret('standard-webhooks');

  it.each([
    ['no scheme asked for', row('smart-dairy', platformSecret), undefined],
    ['the scheme it has', row('standard-webhooks', standardSecret), 'standard-webhooks' as const],
  ])('changes nothing for %s', (_case, current, scheme) => {
    expect(schemeChange(cipher, current, scheme, now)).toEqual({ update: {} });
  });

  it('rotates a platform secret when Standard Webhooks is chosen, keeping it as the previous one', () => {
    const { update, newSecret } = schemeChange(
      cipher,
      row('smart-dairy', platformSecret),
      'standard-webhooks',
      now,
    );
    expect(secretFitsScheme(newSecret!, 'standard-webhooks')).toBe(true);
    expect(update).toMatchObject({
      signatureScheme: 'standard-webhooks',
      secretRotatedAt: now,
      previousSecretExpiresAt: new Date('2026-12-04T12:00:00Z'),
    });
    expect(cipher.decrypt(update.secretCiphertext as string, { subscriptionId: id, slot: 'current' })).toBe(
      newSecret,
    );
    expect(
      cipher.decrypt(update.previousSecretCiphertext as string, { subscriptionId: id, slot: 'previous' }),
    ).toBe(platformSecret);
  });

  it.each([
    [
      'back to the platform scheme, which signs with any secret',
      'standard-webhooks',
      standardSecret,
      'smart-dairy',
    ],
    [
      'to Standard Webhooks with a secret that is already a key',
      'smart-dairy',
      standardSecret,
      'standard-webhooks',
    ],
  ] as const)('keeps the secret when going %s', (_case, from, secret, to) => {
    expect(schemeChange(cipher, row(from, secret), to, now)).toEqual({ update: { signatureScheme: to } });
  });
});
