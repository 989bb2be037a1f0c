import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  INTERNAL_TOPICS,
  KafkaController,
  KafkaTransport,
  type ConsumerOptions,
  type KafkaRecord,
} from '@smart-dairy/kafka';
import { subscriptionChangeCodec } from '@smart-dairy/messages';
import type { Logger } from './logger';
import { LOGGER } from './tokens';

/** What a replica keeps about subscriptions (an index, a cache) and must hear of their changes. */
export interface SubscriptionChangeListener {
  /** The subscription was created, updated, rotated, disabled or deleted. */
  subscriptionChanged(subscriptionId: string): Promise<void> | void;
  /** Changes may have been missed (at start, or an unreadable announcement): forget or reload everything. */
  everythingChanged(): Promise<void> | void;
}

export const SUBSCRIPTION_CHANGE_LISTENER = Symbol('SUBSCRIPTION_CHANGE_LISTENER');

const FOLLOWER = 'subscription-changes';

/**
 * Every replica's follower of `subscriptions.changes`. It reads only what is announced after it joined,
 * so its listener hears "everything changed" on each join as well: a change announced while the
 * replica started is either in the listener's reload or consumed here.
 */
@KafkaController()
export class SubscriptionChangesFollower {
  constructor(
    @Inject(SUBSCRIPTION_CHANGE_LISTENER) private readonly listener: SubscriptionChangeListener,
    @Inject(LOGGER) private readonly logger: Logger,
    transport: KafkaTransport,
  ) {
    transport.on('joined', (consumer) => {
      if (consumer !== FOLLOWER) return;
      Promise.resolve(this.listener.everythingChanged()).catch((error: unknown) =>
        this.logger.error({ err: error }, 'reloading subscriptions after joining failed'),
      );
    });
  }

  @EventPattern(FOLLOWER, {
    topics: [INTERNAL_TOPICS.subscriptionChanges],
    scope: 'replica',
  } satisfies ConsumerOptions)
  async follow(@Payload() records: KafkaRecord[]): Promise<void> {
    let everything = false;
    const changed = new Set<string>();
    for (const record of records) {
      const change = subscriptionChangeCodec.decode(record.value);
      if (change.ok) changed.add(change.value.subscriptionId);
      else {
        everything = true;
        this.logger.error(
          { offset: record.offset, error: change.error },
          'unreadable subscription change; reloading every subscription',
        );
      }
    }
    if (everything) return this.listener.everythingChanged();
    for (const subscriptionId of changed) await this.listener.subscriptionChanged(subscriptionId);
  }
}
