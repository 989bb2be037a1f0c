import { Inject, Injectable } from '@nestjs/common';
import {
  INTERNAL_TOPICS,
  KafkaClient,
  sendAllButOversized,
  type InternalTopic,
  type OutgoingMessage,
} from '@smart-dairy/kafka';
import {
  DEAD_LETTER_MAX_BYTES,
  DEAD_LETTER_RESPONSE_BODY_BYTES,
  boundDeadLetter,
  deliveryOutcomeCodec,
  type DeadLetter,
  type DeadLetterBounds,
  type DeliveryOutcome,
} from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DispatcherMetrics } from '../dispatcher-metrics';

/** A message for an internal topic, with what names it in the log should the broker refuse it. */
interface Publication {
  readonly message: OutgoingMessage;
  readonly ids: Readonly<Record<string, string>>;
  /** A shorter form to send instead if the broker refuses this one as too large. */
  readonly shorter?: () => Buffer;
}

/**
 * Publishes what the recorder made durable: outcomes, and dead letters within their bounds
 * (@smart-dairy/messages, bounded-dead-letter.ts). A message the broker refuses as too large never holds
 * back the others (`sendAllButOversized`): a dead letter goes again without its attempts, and one refused
 * even so is logged with its ids and counted, not retried. Its delivery, attempts and event stay in Postgres,
 * where the delivery log shows it and `POST /v1/deliveries/{id}/retry` sends it again.
 */
@Injectable()
export class RecordPublisher {
  /** A dead letter carries as many attempts as one retry budget: the run that just failed. */
  readonly deadLetterBounds: DeadLetterBounds;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_SETTINGS) settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deadLetterBounds = {
      maxAttempts: settings.config.RETRY_MAX_ATTEMPTS,
      maxBytes: DEAD_LETTER_MAX_BYTES,
      responseBodyBytes: DEAD_LETTER_RESPONSE_BODY_BYTES,
    };
  }

  publishOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    return this.publish(
      INTERNAL_TOPICS.outcomes,
      outcomes.map((outcome) => ({
        message: { key: outcome.subscriptionId, value: deliveryOutcomeCodec.encode(outcome) },
        ids: { deliveryId: outcome.deliveryId, subscriptionId: outcome.subscriptionId },
      })),
    );
  }

  publishDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return this.publish(
      INTERNAL_TOPICS.deadLetter,
      letters.map((letter) => {
        const bounded = boundDeadLetter(letter, this.deadLetterBounds);
        if (bounded.letter.history.length < letter.history.length) this.metrics.deadLettersShortened.inc();
        return {
          message: { key: letter.subscriptionId, value: bounded.value },
          ids: {
            deliveryId: letter.deliveryId,
            subscriptionId: letter.subscriptionId,
            eventId: letter.eventId,
          },
          shorter: () => boundDeadLetter(bounded.letter, { ...this.deadLetterBounds, maxAttempts: 0 }).value,
        };
      }),
    );
  }

  private async publish(topic: InternalTopic, publications: readonly Publication[]): Promise<void> {
    const refused = await sendAllButOversized(
      this.kafka.producer,
      this.kafka.topic(topic),
      publications.map((p) => p.message),
    );
    if (refused.length === 0) return;
    const byMessage = new Map(publications.map((p) => [p.message, p]));
    const again: Publication[] = [];
    for (const message of refused) {
      const { ids, shorter } = byMessage.get(message) as Publication;
      const refusal = { ...ids, topic, bytes: message.value?.length ?? 0 };
      if (shorter) {
        this.logger.warn(refusal, 'message refused as too large; sending it again shortened');
        again.push({ message: { ...message, value: shorter() }, ids });
      } else {
        this.metrics.unpublishable.inc({ topic });
        this.logger.error(refusal, 'message refused as too large even when shortened; not published');
      }
    }
    if (again.length > 0) await this.publish(topic, again);
  }
}
