import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { SecretCipher, reencryptSubscriptionSecrets } from '@smart-dairy/secret-crypto';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';

/**
 * Keeps every stored signing secret under the first key of SECRET_ENCRYPTION_KEYS and bound to its
 * subscription and slot. The first run is awaited at start-up, so secrets written before binding
 * existed are migrated before the API serves; later runs pick up a newly added key, after which the
 * old one can be retired (README, "Retiring a secret encryption key").
 */
@Injectable()
export class SecretReencryptionJob implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: PeriodicJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const job = { name: 'secret-reencryption', run: () => this.run() };
    await this.jobs.runNow(job);
    const everyMs = this.config.SECRET_REENCRYPTION_INTERVAL_MS;
    if (everyMs === 0) return;
    this.jobs.schedule(job, { everyMs, unref: true });
  }

  async run(): Promise<void> {
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
  }
}
