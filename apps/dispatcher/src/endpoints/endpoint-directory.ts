import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { LOGGER, type Logger, type SubscriptionChangeListener } from '@smart-dairy/service-kit';
import { openEndpointSigning, type EndpointSigning, type StoredSigning } from './endpoint-signing';

export interface Endpoint {
  subscriptionId: string;
  url: string;
  /** Scheme, secrets and custom headers, decrypted; null when the key ring cannot open them. */
  signing: EndpointSigning | null;
  active: boolean;
  ratePerSecond: number | null;
}

const ENTRY_TTL_MS = 60_000;

/**
 * Endpoint settings by subscription id, loaded in bulk on first use and kept in memory. An
 * announcement on `subscriptions.changes` drops the entry, so a new URL, a rotated secret, a new scheme,
 * new custom headers or a disable takes effect on the next delivery; the TTL bounds staleness if one is
 * missed.
 */
@Injectable()
export class EndpointDirectory implements SubscriptionChangeListener {
  private readonly entries = new Map<string, { endpoint: Endpoint | null; loadedAt: number }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  subscriptionChanged(subscriptionId: string): void {
    this.entries.delete(subscriptionId);
  }

  everythingChanged(): void {
    this.entries.clear();
  }

  /** The endpoints of these subscriptions; a deleted or unknown subscription maps to null. */
  async lookup(subscriptionIds: readonly string[]): Promise<Map<string, Endpoint | null>> {
    const now = Date.now();
    const missing = [...new Set(subscriptionIds)].filter((id) => {
      const entry = this.entries.get(id);
      return !entry || now - entry.loadedAt > ENTRY_TTL_MS;
    });
    if (missing.length > 0) {
      const rows = await this.prisma.subscription.findMany({
        where: { id: { in: missing } },
        select: {
          id: true,
          url: true,
          secretCiphertext: true,
          previousSecretCiphertext: true,
          previousSecretExpiresAt: true,
          signatureScheme: true,
          customHeaders: true,
          status: true,
          rateLimitPerSecond: true,
          deletedAt: true,
        },
      });
      const found = new Map(rows.map((row) => [row.id, row]));
      for (const id of missing) {
        const row = found.get(id);
        this.entries.set(id, {
          loadedAt: now,
          endpoint:
            !row || row.deletedAt
              ? null
              : {
                  subscriptionId: row.id,
                  url: row.url,
                  signing: this.openSigning(row),
                  active: row.status === SubscriptionStatus.active,
                  ratePerSecond: row.rateLimitPerSecond,
                },
        });
      }
    }
    return new Map(subscriptionIds.map((id) => [id, this.entries.get(id)?.endpoint ?? null]));
  }

  private openSigning(row: StoredSigning): EndpointSigning | null {
    try {
      return openEndpointSigning(this.cipher, row);
    } catch (error) {
      // Its deliveries wait (parked) until the key ring is fixed, rather than failing every batch. The
      // errors name what failed, never a secret or a header value.
      this.logger.error(
        { subscriptionId: row.id, err: error },
        'cannot open the signing secrets or custom headers of a subscription',
      );
      return null;
    }
  }
}
