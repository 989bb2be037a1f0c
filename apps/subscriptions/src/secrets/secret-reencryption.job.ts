import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { SecretCipher, reencryptSubscriptionSecrets } from '@smart-dairy/secret-crypto';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';

/**
 * Keeps every stored signing secret under the first key of SECRET_ENCRYPTION_KEYS and bound to its
 * subscription and slot. The first run is awaited at start-up, so secrets written before binding
 * existed are migrated before the API serves; later runs pick up a newly added key, after which the
 * old one can be retired (README, "Retiring a secret encryption key").
 */
@Injectable()
export class SecretReencryptionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    const interval = this.config.SECRET_REENCRYPTION_INTERVAL_MS;
    if (interval === 0) return;
    this.timer = setInterval(() => void this.run(), interval);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Never throws: a failed run is logged and the next one tries again. */
  async run(): Promise<void> {
    try {
      const { reencrypted, failed } = await reencryptSubscriptionSecrets(this.prisma, this.cipher);
      if (reencrypted > 0)
        this.logger.info({ reencrypted }, 'signing secrets re-encrypted with the current key');
      // A warning: nothing failed here, these rows wait for a key the ring no longer has (the dispatcher
      // reports each one as an error when it has to sign with it).
      if (failed.length > 0) {
        this.logger.warn(
          { subscriptions: failed.slice(0, 100), count: failed.length },
          'signing secrets the key ring cannot open; keep their key in SECRET_ENCRYPTION_KEYS',
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'secret re-encryption failed');
    }
  }
}
