import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@smart-dairy/db';
import { INTERNAL_TOPICS, KafkaClient } from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import { SecretCipher } from '@smart-dairy/secret-crypto';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import type { Consumer } from 'kafkajs';

export interface Endpoint {
  subscriptionId: string;
  url: string;
  /** The current signing secret, decrypted (never logged); null when the key ring cannot open it. */
  secret: string | null;
  active: boolean;
  ratePerSecond: number | null;
}

const ENTRY_TTL_MS = 60_000;

/**
 * Endpoint settings by subscription id, loaded in bulk on first use and kept in memory. An
 * announcement on `subscriptions.changes` drops the entry, so a new URL, a rotated secret or a
 * disable takes effect on the next delivery; the TTL bounds staleness if one is missed.
 */
@Injectable()
export class EndpointDirectory implements OnModuleDestroy {
  private readonly entries = new Map<string, { endpoint: Endpoint | null; loadedAt: number }>();
  private consumer: Consumer | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly kafka: KafkaClient,
    private readonly cipher: SecretCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.replicaConsumer('dispatcher-subscriptions', { maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.kafka.topic(INTERNAL_TOPICS.subscriptionChanges) });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const change = subscriptionChangeCodec.decode(message.value);
        if (change.ok) this.entries.delete(change.value.subscriptionId);
        else {
          this.logger.error(
            { error: change.error },
            'unreadable subscription change; clearing the endpoint cache',
          );
          this.entries.clear();
        }
      },
    });
  }

  forget(subscriptionId: string): void {
    this.entries.delete(subscriptionId);
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
                  secret: this.openSecret(row.id, row.secretCiphertext),
                  active: row.status === SubscriptionStatus.active,
                  ratePerSecond: row.rateLimitPerSecond,
                },
        });
      }
    }
    return new Map(subscriptionIds.map((id) => [id, this.entries.get(id)?.endpoint ?? null]));
  }

  private openSecret(subscriptionId: string, ciphertext: string): string | null {
    try {
      return this.cipher.decrypt(ciphertext, { subscriptionId, slot: 'current' });
    } catch (error) {
      // Its deliveries wait (parked) until the key ring is fixed, rather than failing every batch.
      this.logger.error(
        { subscriptionId, err: error },
        'cannot decrypt the signing secret of a subscription',
      );
      return null;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
