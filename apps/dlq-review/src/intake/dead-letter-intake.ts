import { Inject, Injectable } from '@nestjs/common';
import { attemptsMade, type DeadLetter } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DlqMetrics } from '../dlq-metrics';
import { EntryStore } from '../entries/entry-store';
import { OpsNotifier } from '../notifications/ops-notifier';
import { deadLetteredEvents } from '../notifications/system-events';

/** `deliveries.dead-letter`: every failed delivery becomes (or updates) an entry, and operators hear of it. */
@Injectable()
export class DeadLetterIntake {
  constructor(
    private readonly store: EntryStore,
    private readonly notifier: OpsNotifier,
    private readonly metrics: DlqMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async receive(letters: readonly DeadLetter[]): Promise<void> {
    await this.store.ingest(letters);
    // Published for every letter, stored before or not: the event ids make a second publication harmless,
    // and a batch whose publication failed is read again with its entries already stored.
    await this.notifier.publish(deadLetteredEvents(letters));
    for (const letter of letters) {
      this.metrics.deadLetters.inc({ event_type: letter.eventType });
      this.logger.warn(
        {
          deliveryId: letter.deliveryId,
          subscriptionId: letter.subscriptionId,
          eventType: letter.eventType,
          errorClass: letter.errorClass,
          attempts: attemptsMade(letter),
        },
        'delivery moved to the dead letter queue',
      );
    }
  }
}
