import { createMigratedThrowawayDatabase, type PrismaService } from '@smart-dairy/db';
import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher';
import { openHeaders, parseSealedHeaders, sealHeaders } from './sealed-headers';
import { reencryptSubscriptionSecrets } from './secret-reencryption';

const ring = (...ids: string[]) =>
  ids.map((id) => `${id}:${Buffer.alloc(32, id).toString('base64')}`).join(',');

/** What the service stored before secrets were bound: v1, no associated data. */
function unbound(keyId: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.alloc(32, keyId), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', keyId, ...[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))].join('.');
}

describe('reencryptSubscriptionSecrets against Postgres', () => {
  let prisma: PrismaService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ prisma, close } = await createMigratedThrowawayDatabase('secret_reencryption'));
  });
  afterAll(() => close());

  it('moves every secret under the new key, binds old ones, and then the old key can be retired', async () => {
    const old = SecretCipher.fromKeyRing(ring('old'));
    const subscription = (
      id: string,
      secretCiphertext: string,
      previousSecretCiphertext: string | null = null,
    ) =>
      prisma.subscription.create({
        data: {
          id,
          url: 'https://partner.example/',
          events: ['*'],
          secretCiphertext,
          previousSecretCiphertext,
        },
      });
    await subscription('wh_sub_legacy', unbound('old', 'whsec_legacy'), unbound('old', 'whsec_legacy_prev'));
    await subscription(
      'wh_sub_bound',
      old.encrypt('whsec_bound', { subscriptionId: 'wh_sub_bound', slot: 'current' }),
    );
    await prisma.subscription.update({ where: { id: 'wh_sub_bound' }, data: { deletedAt: new Date() } });

    const rotated = SecretCipher.fromKeyRing(ring('new', 'old'));
    await expect(reencryptSubscriptionSecrets(prisma, rotated)).resolves.toEqual({
      reencrypted: 3,
      failed: [],
    });
    await expect(reencryptSubscriptionSecrets(prisma, rotated)).resolves.toEqual({
      reencrypted: 0,
      failed: [],
    });

    const retired = SecretCipher.fromKeyRing(ring('new'));
    const rows = await prisma.subscription.findMany({ orderBy: { id: 'asc' } });
    const [bound, legacy] = rows;
    expect(
      retired.decrypt(bound!.secretCiphertext, { subscriptionId: 'wh_sub_bound', slot: 'current' }),
    ).toBe('whsec_bound');
    expect(
      retired.decrypt(legacy!.secretCiphertext, { subscriptionId: 'wh_sub_legacy', slot: 'current' }),
    ).toBe('whsec_legacy');
    expect(
      retired.decrypt(legacy!.previousSecretCiphertext!, {
        subscriptionId: 'wh_sub_legacy',
        slot: 'previous',
      }),
    ).toBe('whsec_legacy_prev');

    // Swapped between subscriptions, or between slots, a migrated secret no longer opens.
    expect(() =>
      retired.decrypt(legacy!.secretCiphertext, { subscriptionId: 'wh_sub_bound', slot: 'current' }),
    ).toThrow('failed authentication');
    expect(() =>
      retired.decrypt(legacy!.previousSecretCiphertext!, {
        subscriptionId: 'wh_sub_legacy',
        slot: 'current',
      }),
    ).toThrow('failed authentication');
  });

  it('moves custom header values too, each still bound to its subscription and name', async () => {
    const older = SecretCipher.fromKeyRing(ring('h1'));
    const headers = [
      ['Authorization', 'Bearer partner-t0ken'],
      ['X-Region', 'eu'],
    ] as const;
    await prisma.subscription.create({
      data: {
        id: 'wh_sub_headers',
        url: 'https://partner.example/',
        events: ['*'],
        secretCiphertext: older.encrypt('whsec_h', { subscriptionId: 'wh_sub_headers', slot: 'current' }),
        customHeaders: sealHeaders(older, 'wh_sub_headers', headers),
      },
    });
    // The subscriptions of the test above are under `new` already: only this one moves, secret and headers.
    const rotated = SecretCipher.fromKeyRing(ring('new', 'h1'));
    await expect(reencryptSubscriptionSecrets(prisma, rotated)).resolves.toEqual({
      reencrypted: 2,
      failed: [],
    });
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id: 'wh_sub_headers' } });
    const sealed = parseSealedHeaders(row.customHeaders);
    expect(sealed.every(({ ciphertext }) => ciphertext.startsWith('v2.new.'))).toBe(true);
    expect(openHeaders(SecretCipher.fromKeyRing(ring('new')), 'wh_sub_headers', sealed)).toEqual(headers);
  });

  it('reports the subscriptions whose key is missing from the ring and leaves them alone', async () => {
    const lost = unbound('gone', 'whsec_lost');
    await prisma.subscription.create({
      data: { id: 'wh_sub_lost', url: 'https://partner.example/', events: ['*'], secretCiphertext: lost },
    });
    const result = await reencryptSubscriptionSecrets(prisma, SecretCipher.fromKeyRing(ring('new')));
    expect(result).toEqual({ reencrypted: 0, failed: ['wh_sub_lost'] });
    await expect(
      prisma.subscription.findUniqueOrThrow({ where: { id: 'wh_sub_lost' } }),
    ).resolves.toMatchObject({
      secretCiphertext: lost,
    });
  });
});
