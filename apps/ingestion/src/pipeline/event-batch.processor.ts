import { Inject, Injectable } from '@nestjs/common';
import { INTERNAL_TOPICS, KafkaClient, sizeBatches } from '@smart-dairy/kafka';
import { invalidEventCodec, publishDeliveryTasks, type InvalidEvent } from '@smart-dairy/messages';
import { categoryOf } from '@smart-dairy/schemas';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { SubscriptionView } from '../subscriptions/subscription-view';
import type { AcceptedEvent } from './accepted-event';
import { EventStore } from './event-store';
import { fanOut, type NewDelivery } from './fan-out';
import { IngestSpans } from './ingest-spans';
import { IngestionMetrics } from './ingestion-metrics';
import type { RawMessage } from './raw-message';
import { quarantineRecord, validateMessages } from './validate';

/**
 * One batch from a category topic, end to end: validate, quarantine, deduplicate, persist,
 * hand off. It resolves only when everything is durable in Postgres and acknowledged by Kafka,
 * so the caller may commit the batch's offsets; it throws (and nothing is committed) otherwise.
 * While tracing is on, `IngestSpans` follows each event through it.
 */
@Injectable()
export class EventBatchProcessor {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly store: EventStore,
    private readonly subscriptions: SubscriptionView,
    private readonly metrics: IngestionMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(messages: readonly RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const spans = IngestSpans.start(messages, this.kafka.settings.topicPrefix);
    try {
      await this.ingest(messages, spans);
    } catch (error) {
      spans?.failed(error);
      throw error;
    }
    spans?.end();
  }

  private async ingest(messages: readonly RawMessage[], spans: IngestSpans | undefined): Promise<void> {
    this.metrics.batchSize.observe(messages.length);
    for (const m of messages) this.metrics.consumed.inc({ topic: m.topic });

    const { accepted, invalid } = validateMessages(messages, this.kafka.settings.topicPrefix);
    spans?.accepted(accepted);
    spans?.quarantined(invalid, 'invalid');
    await this.quarantine(invalid);

    const { fresh, duplicates, conflicts } = await this.store.storeEvents(accepted);
    spans?.duplicates(duplicates);
    for (const d of duplicates) {
      this.metrics.deduplicated.inc({ event_type: d.event.event });
      this.logger.debug({ eventId: d.id, ...d.source }, 'duplicate event id, no new deliveries');
    }
    spans?.quarantined(conflicts, 'id_conflict');
    await this.quarantineConflicts(messages, conflicts);
    const deliveries = fanOut(fresh, (event) => this.subscriptions.match(event));
    const owed = await this.store.storeDeliveries(spans ? spans.traced(deliveries) : deliveries);
    await this.handOff(owed);
    for (const e of fresh) this.metrics.accepted.inc({ event_type: e.event.event });
  }

  /**
   * An id already stored in its category for other content: either a producer bug or someone taking the
   * id of an event to come. Neither version may stand for the other, so this one goes to quarantine, loudly.
   */
  private async quarantineConflicts(
    messages: readonly RawMessage[],
    conflicts: readonly AcceptedEvent[],
  ): Promise<void> {
    if (conflicts.length === 0) return;
    const positionOf = (s: AcceptedEvent['source']) => `${s.topic}\n${s.partition}\n${s.offset}`;
    const raw = new Map(messages.map((m) => [positionOf(m), m]));
    const records = conflicts.map((e) => {
      const category = categoryOf(e.event.event);
      this.metrics.idConflicts.inc({ category });
      this.logger.warn(
        { eventId: e.id, eventType: e.event.event, ...e.source },
        `event id already used in category ${category} for other content; quarantined`,
      );
      const message = raw.get(positionOf(e.source)) as RawMessage;
      return quarantineRecord(message, 'id_conflict', [
        {
          path: 'id',
          message: `id already used by another ${category} event with a different type, timestamp or data`,
        },
      ]);
    });
    await this.quarantine(records);
  }

  private async quarantine(invalid: readonly InvalidEvent[]): Promise<void> {
    if (invalid.length === 0) return;
    const messages = invalid.map((record) => ({ key: record.key, value: invalidEventCodec.encode(record) }));
    // Quarantine records carry the original value: a few of them exceed what Kafka takes in one batch.
    for (const batch of sizeBatches(messages)) {
      await this.kafka.producer.send({ topic: this.kafka.topic(INTERNAL_TOPICS.invalid), messages: batch });
    }
    for (const record of invalid) {
      this.metrics.quarantined.inc({ topic: record.source.topic });
      if (record.reason === 'invalid') {
        this.logger.warn({ ...record.source, problems: record.problems }, 'invalid event quarantined');
      }
    }
  }

  private async handOff(tasks: readonly NewDelivery[]): Promise<void> {
    await publishDeliveryTasks(this.kafka, tasks);
    for (const task of tasks) this.metrics.deliveriesCreated.inc({ event_type: task.eventType });
  }
}
