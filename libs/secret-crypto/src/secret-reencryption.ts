import type { Prisma, PrismaService } from '@smart-dairy/db';
import type { SecretCipher } from './secret-cipher';
import { parseSealedHeaders, resealHeaders } from './sealed-headers';

export interface ReencryptionResult {
  /**
   * Ciphertexts rewritten under the ring's first key (current and previous slots counted apart, and a
   * subscription's custom header values as one).
   */
  reencrypted: number;
  /** Subscriptions whose stored secret the ring cannot open, left as they are for an operator. */
  failed: string[];
}

const BATCH_SIZE = 200;

/**
 * Moves every stored signing secret and custom header value, deleted subscriptions' included, under the
 * first key of the ring
 * and binds unbound (v1) ones to their subscription and slot; once it reports nothing left, the older
 * keys can be removed from SECRET_ENCRYPTION_KEYS. Each row is rewritten only if it still holds the
 * ciphertext that was read, so a rotation racing with it wins and nothing is lost; running it again
 * is harmless.
 */
export async function reencryptSubscriptionSecrets(
  prisma: PrismaService,
  cipher: SecretCipher,
): Promise<ReencryptionResult> {
  const result: ReencryptionResult = { reencrypted: 0, failed: [] };
  let after = '';
  for (;;) {
    const rows = await prisma.subscription.findMany({
      where: { id: { gt: after } },
      select: { id: true, secretCiphertext: true, previousSecretCiphertext: true, customHeaders: true },
      orderBy: { id: 'asc' },
      take: BATCH_SIZE,
    });
    for (const row of rows) {
      try {
        result.reencrypted += await reencryptRow(prisma, cipher, row);
      } catch {
        result.failed.push(row.id);
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH_SIZE) return result;
    after = last.id;
  }
}

async function reencryptRow(
  prisma: PrismaService,
  cipher: SecretCipher,
  row: {
    id: string;
    secretCiphertext: string;
    previousSecretCiphertext: string | null;
    customHeaders: Prisma.JsonValue;
  },
): Promise<number> {
  const current = cipher.needsReencryption(row.secretCiphertext)
    ? cipher.reencrypt(row.secretCiphertext, { subscriptionId: row.id, slot: 'current' })
    : undefined;
  const previous =
    row.previousSecretCiphertext !== null && cipher.needsReencryption(row.previousSecretCiphertext)
      ? cipher.reencrypt(row.previousSecretCiphertext, { subscriptionId: row.id, slot: 'previous' })
      : undefined;
  const sealed = parseSealedHeaders(row.customHeaders);
  const headers = resealHeaders(cipher, row.id, sealed);
  const rewritten = [current, previous, headers].filter((value) => value !== undefined).length;
  if (rewritten === 0) return 0;
  const { count } = await prisma.subscription.updateMany({
    where: {
      id: row.id,
      secretCiphertext: row.secretCiphertext,
      previousSecretCiphertext: row.previousSecretCiphertext,
      customHeaders: { equals: sealed },
    },
    data: { secretCiphertext: current, previousSecretCiphertext: previous, customHeaders: headers },
  });
  return count === 0 ? 0 : rewritten;
}
